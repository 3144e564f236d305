package io.hourglass.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WriterConfigTest {
    private static final Path STAGING = Path.of("staging");
    private static final AvroCodec CODEC = AvroCodec.ZSTANDARD;

    @Test
    void defaultsAndGroupPerLane() {
        WriterConfig c = WriterConfig.defaults("core", STAGING);
        assertThat(c.groupId()).isEqualTo("hourglass-writer-core");
        assertThat(c.commitInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.retryInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.instanceId()).isEqualTo("1");
        assertThat(c.codec()).isEqualTo(AvroCodec.ZSTANDARD);
        assertThat(c.dedupMemoryIds()).isEqualTo(1 << 19);
        assertThat(c.blockMemory()).isEqualTo(16L << 20);
        assertThat(c.lateIdMemory()).isEqualTo(32L << 20);
    }

    @Test
    void codecsAreNamedAsAvroNamesThem() {
        assertThat(AvroCodec.of("zstandard")).contains(AvroCodec.ZSTANDARD);
        assertThat(AvroCodec.of("Deflate")).contains(AvroCodec.DEFLATE);
        assertThat(AvroCodec.of("zstd")).isEmpty();
        for (AvroCodec c : AvroCodec.values()) {
            assertThat(c.factory().toString()).startsWith(c.name().toLowerCase(java.util.Locale.ROOT));
            assertThat(c.blockBytes()).isBetween(32, 1 << 30);  // what Avro's DataFileWriter accepts
        }
    }

    @Test
    void badValuesAreRejectedNamingTheKey() {
        assertThatThrownBy(() -> WriterConfig.defaults("a/b", STAGING)).hasMessageContaining("writer.lane");
        assertThatThrownBy(() -> new WriterConfig("core", "../x", Duration.ZERO, Duration.ZERO, STAGING, CODEC, 16, 0,
                0))
                .hasMessageContaining("writer.instance-id");
        assertThatThrownBy(() -> new WriterConfig("core", " ", Duration.ZERO, Duration.ZERO, STAGING, CODEC, 16, 0, 0))
                .hasMessageContaining("writer.instance-id");
        assertThatThrownBy(() -> new WriterConfig("core", "1", Duration.ofSeconds(-1), Duration.ZERO, STAGING,
                CODEC, 16, 0, 0))
                .hasMessageContaining("writer intervals");
        assertThatThrownBy(() -> new WriterConfig("core", "1", Duration.ZERO, Duration.ZERO, STAGING, CODEC, 15, 0, 0))
                .hasMessageContaining("writer.dedup-memory-ids");
        assertThatThrownBy(() -> new WriterConfig("core", "1", Duration.ZERO, Duration.ZERO, STAGING, CODEC, 16, -1, 0))
                .hasMessageContaining("writer.block-memory");
        assertThatThrownBy(() -> new WriterConfig("core", "1", Duration.ZERO, Duration.ZERO, STAGING, CODEC, 16, 0, -1))
                .hasMessageContaining("writer.late-id-memory");
    }
}
