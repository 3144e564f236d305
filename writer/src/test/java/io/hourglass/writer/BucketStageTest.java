package io.hourglass.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.core.Envelope;
import io.hourglass.core.EnvelopeHeader;
import io.hourglass.core.Json;
import io.hourglass.core.control.BucketId;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class BucketStageTest {
    private static final Instant H = Instant.parse("2026-01-01T10:00:00Z");

    private static BucketStage.Staged event(long offset, String id) {
        Envelope e = new Envelope(id, "T", 1, null, H.plusSeconds(5), H.plusSeconds(6), "h", false,
                Json.MAPPER.createObjectNode());
        return new BucketStage.Staged(offset, EnvelopeHeader.parse(e.toBytes()), e.toBytes(), false);
    }

    @Test
    void firstCopyWinsDuplicatesAreCountedAndTheSealSplitsTheStage() {
        BucketStage s = new BucketStage(new BucketId("T", H), 0);
        String a = UUID.randomUUID().toString();
        String b = UUID.randomUUID().toString();
        assertThat(s.add(event(10, a))).isTrue();
        assertThat(s.add(event(11, b))).isTrue();
        assertThat(s.add(event(12, a))).isFalse();
        assertThat(s.add(event(20, UUID.randomUUID().toString()))).isTrue();
        assertThat(s.duplicates()).isEqualTo(1);
        assertThat(s.minOffset()).isEqualTo(10);
        assertThat(s.upTo(11)).extracting(st -> st.header().id()).containsExactly(a, b);
        assertThat(s.beyond(11)).hasSize(1);
        assertThat(s.contains(b, 11)).isTrue();
        assertThat(s.contains(b, 10)).isFalse();
        assertThat(Writer.fileName(7)).isEqualTo("part-00007.avro");
    }
}
