package io.hourglass.core.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class BucketIdTest {
    private static final BucketId B = new BucketId("SearchViewResponse", Instant.parse("2026-03-01T10:00:00Z"));

    @Test
    void aControlRecordsKeyNamesItsBucket() {
        assertThat(BucketId.ofKey(B.key())).contains(B);
        assertThat(BucketId.ofKey(new Finalized(B.type(), B.hour(), 7, "f", 0, 0, 0, java.util.Map.of(), B.hour())
                .key())).contains(B);
    }

    @Test
    void aFinalizedRecordsKeyNamesItsPartition() {
        String key = new Finalized(B.type(), B.hour(), 7, "f", 0, 0, 0, java.util.Map.of(), B.hour()).key();
        assertThat(Finalized.ofKey(key)).contains(new Finalized.Key(B, 7));
        for (String other : new String[] {B.key(), B.key() + "|", B.key() + "|x", B.key() + "|1|2", "T|x|1", null}) {
            assertThat(Finalized.ofKey(other)).as(String.valueOf(other)).isEmpty();
        }
    }

    @Test
    void aKeyOfAnotherFormNamesNone() {
        for (String key : new String[] {null, "", "SearchViewResponse", "|2026-03-01T10:00:00Z", "T|10 o'clock",
            "T|", "heartbeat/web-1/2026-03-01T10:00:00Z"}) {
            assertThat(BucketId.ofKey(key)).as(String.valueOf(key)).isEmpty();
        }
    }
}
