package io.hourglass.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WriterConfigTest {
    @Test
    void defaultsAndGroupPerLane() {
        WriterConfig c = WriterConfig.defaults("core");
        assertThat(c.groupId()).isEqualTo("hourglass-writer-core");
        assertThat(c.commitInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.retryInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.instanceId()).isEqualTo("1");
    }

    @Test
    void badValuesAreRejectedNamingTheKey() {
        assertThatThrownBy(() -> WriterConfig.defaults("a/b")).hasMessageContaining("writer.lane");
        assertThatThrownBy(() -> new WriterConfig("core", " ", Duration.ZERO, Duration.ZERO))
                .hasMessageContaining("writer.instance-id");
        assertThatThrownBy(() -> new WriterConfig("core", "1", Duration.ofSeconds(-1), Duration.ZERO))
                .hasMessageContaining("writer intervals");
    }
}
