package io.hourglass.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.core.Json;
import io.hourglass.core.control.Finalized;
import io.hourglass.core.control.Seal;
import io.hourglass.core.kafka.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class SealBookTest {
    private static final Instant H10 = Instant.parse("2026-01-01T10:00:00Z");
    private static final Instant H11 = Instant.parse("2026-01-01T11:00:00Z");

    private static ConsumerRecord<String, byte[]> seal(String type, Instant hour) {
        Seal s = new Seal(type, hour, Map.of(0, 5L, 1, 7L), true, List.of("h1", "h2"), List.of(), hour);
        return new ConsumerRecord<>(Topics.SEALS, 0, 0, s.bucket().key(), Json.toBytes(s));
    }

    private static ConsumerRecord<String, byte[]> finalized(String type, Instant hour, int partition) {
        Finalized f = new Finalized(type, hour, partition, null, 0, 0, 0, Map.of(), hour);
        return new ConsumerRecord<>(Topics.FINALIZED, 0, 0, f.key(), Json.toBytes(f));
    }

    @Test
    void pendingSealsAreOldestFirstAndLeaveOnceEveryOwnedPartitionIsFinalized() {
        SealBook book = new SealBook();
        book.accept(seal("B", H11));
        book.accept(seal("A", H10));
        book.accept(seal("Other", H10));
        Map<String, List<Integer>> mine = Map.of("A", List.of(0, 1), "B", List.of(0, 1));

        assertThat(book.pending(mine)).extracting(s -> s.bucket().type()).containsExactly("A", "B");
        assertThat(book.pending(mine).get(0).offset(1)).isEqualTo(7);
        assertThat(book.pending(mine).get(0).expectedHosts()).as("host lists are not kept").isEmpty();

        book.accept(finalized("A", H10, 0));
        assertThat(book.pending(mine)).extracting(s -> s.bucket().type()).containsExactly("A", "B");
        book.accept(finalized("A", H10, 1));
        assertThat(book.pending(mine)).extracting(s -> s.bucket().type()).containsExactly("B");
        assertThat(book.isFinalized(new io.hourglass.core.control.BucketId("A", H10), 1)).isTrue();
    }

    @Test
    void aPartitionGainedInARebalanceBringsBackTheSealsItStillOwes() {
        SealBook book = new SealBook();
        book.accept(seal("A", H10));
        book.accept(finalized("A", H10, 0));
        assertThat(book.pending(Map.of("A", List.of(0)))).isEmpty();
        assertThat(book.pending(Map.of("A", List.of(0, 1)))).extracting(s -> s.bucket().type()).containsExactly("A");
    }
}
