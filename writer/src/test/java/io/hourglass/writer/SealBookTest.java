package io.hourglass.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.core.Hours;
import io.hourglass.core.Json;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.Finalized;
import io.hourglass.core.control.Seal;
import io.hourglass.core.kafka.Topics;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.threeten.extra.MutableClock;

class SealBookTest {
    private static final Instant H10 = Instant.parse("2026-01-01T10:00:00Z");
    private static final Instant H11 = Instant.parse("2026-01-01T11:00:00Z");

    private static final Duration KEEP = Duration.ofHours(48);
    private final MutableClock clock = MutableClock.of(H11, ZoneOffset.UTC);
    private final Set<BucketId> closedInLake = new HashSet<>();
    private final List<BucketId> lakeAsked = new ArrayList<>();

    private SealBook book() {
        return new SealBook(clock, KEEP, b -> {
            lakeAsked.add(b);
            return closedInLake.contains(b);
        });
    }

    private static ConsumerRecord<String, byte[]> seal(String type, Instant hour) {
        Seal s = new Seal(type, hour, Map.of(0, 5L, 1, 7L), true, List.of("h1", "h2"), List.of(), hour);
        return new ConsumerRecord<>(Topics.SEALS, 0, 0, s.bucket().key(), Json.toBytes(s));
    }

    private static ConsumerRecord<String, byte[]> finalized(String type, Instant hour, int partition) {
        return finalized(type, hour, partition, hour.plus(Duration.ofHours(1)));
    }

    /** As a writer sends it: with its {@code finalizedAt} in a header. */
    private static ConsumerRecord<String, byte[]> finalized(String type, Instant hour, int partition, Instant at) {
        Finalized f = new Finalized(type, hour, partition, null, 0, 0, 0, Map.of(), at);
        return finalizedRecord(f.key(), f.headers(), Json.toBytes(f));
    }

    private static ConsumerRecord<String, byte[]> finalizedRecord(String key, Headers headers, byte[] value) {
        // Timestamped by a broker that knows another time: the book goes by the header, or else the value.
        return new ConsumerRecord<>(Topics.FINALIZED, 0, 0, 0L, TimestampType.LOG_APPEND_TIME, -1, -1, key, value,
                headers, Optional.empty());
    }

    @Test
    void aFinalizedRecordIsReadFromItsKeyAndHeaderNotItsTallyOfHosts() {
        SealBook book = book();
        Instant at = H11.plusSeconds(90);
        Finalized a = new Finalized("A", H10, 2, null, 0, 0, 0, Map.of(), at);
        book.accept(finalizedRecord(a.key(), a.headers(),
                new byte[] {'{', 1}));
        assertThat(book.isFinalized(new BucketId("A", H10), 2)).isTrue();
        assertThat(book.isFinalized(new BucketId("A", H10), 0)).isFalse();
        // Without the header (a record from before it), or under a key of another form: its value says.
        Finalized older = new Finalized("B", H10, 1, null, 0, 0, 0, Map.of("h1", 1L), at);
        book.accept(finalizedRecord(older.key(), new RecordHeaders(), Json.toBytes(older)));
        Finalized odd = new Finalized("C", H10, 0, null, 0, 0, 0, Map.of(), at);
        book.accept(finalizedRecord("C", odd.headers(),
                Json.toBytes(odd)));
        assertThat(book.isFinalized(new BucketId("B", H10), 1)).isTrue();
        assertThat(book.isFinalized(new BucketId("C", H10), 0)).isTrue();
    }

    @Test
    void pendingSealsAreOldestFirstAndLeaveOnceEveryOwnedPartitionIsFinalized() {
        SealBook book = book();
        book.accept(seal("B", H11));
        book.accept(seal("A", H10));
        book.accept(seal("Other", H10));
        Map<String, List<Integer>> mine = Map.of("A", List.of(0, 1), "B", List.of(0, 1));

        assertThat(book.pending(mine)).extracting(s -> s.bucket().type()).containsExactly("A", "B");
        assertThat(book.bucketsKnown()).isEqualTo(3);
        assertThat(book.pending(mine).get(0).offset(1)).isEqualTo(7);
        assertThat(book.pending(mine).get(0).expectedHosts()).as("host lists are not kept").isEmpty();

        book.accept(finalized("A", H10, 0));
        assertThat(book.pending(mine)).extracting(s -> s.bucket().type()).containsExactly("A", "B");
        book.accept(finalized("A", H10, 1));
        assertThat(book.pending(mine)).extracting(s -> s.bucket().type()).containsExactly("B");
        assertThat(book.isFinalized(new BucketId("A", H10), 1)).isTrue();
    }

    @Test
    void aPartitionGainedInARebalanceBringsBackTheSealsItStillOwes() {
        SealBook book = book();
        book.accept(seal("A", H10));
        book.accept(finalized("A", H10, 0));
        assertThat(book.pending(Map.of("A", List.of(0)))).isEmpty();
        assertThat(book.pending(Map.of("A", List.of(0, 1)))).extracting(s -> s.bucket().type()).containsExactly("A");
    }

    @Test
    void aBucketIsForgottenOnceEveryPartitionWasFinalizedAndItsHourEndedLongerAgoThanKeep() {
        SealBook book = book();
        BucketId a = new BucketId("A", H10);
        book.accept(seal("A", H10));
        book.accept(finalized("A", H10, 0));
        book.accept(finalized("A", H10, 1));
        clock.setInstant(Hours.end(H10).plus(KEEP).minusSeconds(1));
        book.forgetOldBuckets();
        assertThat(book.seal(a)).as("not yet: its hour ended less than %s ago", KEEP).isPresent();

        clock.setInstant(Hours.end(H10).plus(KEEP).plusSeconds(1));
        book.forgetOldBuckets();
        assertThat(book.seal(a)).isEmpty();
        assertThat(book.isFinalized(a, 0)).isFalse();
        assertThat(book.bucketsKnown()).isZero();
        assertThat(book.pending(Map.of("A", List.of(0, 1)))).as("a forgotten seal is no work").isEmpty();
    }

    @Test
    void aBucketWithAPartitionNotFinalizedOrFinalizedRecentlyIsKeptHoweverOld() {
        SealBook book = book();
        book.accept(seal("A", H10));
        book.accept(finalized("A", H10, 0));
        Instant later = H10.plus(Duration.ofDays(30));
        book.accept(seal("B", H10));
        book.accept(finalized("B", H10, 0));
        book.accept(finalized("B", H10, 1, later.minus(Duration.ofHours(1))));  // a backfill, finalized just now
        clock.setInstant(later);
        book.forgetOldBuckets();
        assertThat(book.seal(new BucketId("A", H10))).as("partition 1 is not finalized").isPresent();
        assertThat(book.seal(new BucketId("B", H10))).as("finalized an hour ago").isPresent();
        assertThat(book.pending(Map.of("A", List.of(0, 1)))).extracting(Seal::type).containsExactly("A");
    }

    @Test
    void aForgottenBucketIsClosedIfTheLakeSaysSoAndAYoungBucketWithoutASealIsOpenWithoutAsking() {
        SealBook book = book();
        BucketId young = new BucketId("A", H11);
        assertThat(book.closed(young, 0)).isFalse();
        assertThat(lakeAsked).as("a young bucket without a seal is simply not sealed yet").isEmpty();

        clock.setInstant(H11.plus(Duration.ofDays(10)));
        BucketId forgotten = new BucketId("A", H10);
        closedInLake.add(forgotten);
        assertThat(book.closed(forgotten, 0)).as("the book goes by the time of its last sweep").isFalse();
        assertThat(lakeAsked).isEmpty();
        book.forgetOldBuckets();
        assertThat(book.closed(forgotten, 0)).isTrue();
        assertThat(book.closed(forgotten, 1)).isTrue();
        assertThat(lakeAsked).as("a closed bucket stays closed: asked once").containsExactly(forgotten);

        BucketId backfill = new BucketId("B", H10);
        assertThat(book.closed(backfill, 0)).isFalse();
        assertThat(book.closed(backfill, 0)).isFalse();
        assertThat(lakeAsked).as("an open one is asked again only a minute later").hasSize(2);
        clock.setInstant(clock.instant().plus(Duration.ofMinutes(1)));
        assertThat(book.closed(backfill, 0)).isFalse();
        assertThat(lakeAsked).hasSize(3);

        book.accept(seal("B", H10));
        assertThat(book.closed(backfill, 0)).as("once sealed, the book answers: not finalized yet").isFalse();
        book.accept(finalized("B", H10, 0, clock.instant()));
        assertThat(book.closed(backfill, 0)).isTrue();
        assertThat(lakeAsked).hasSize(3);
    }

    @Test
    void overALongHistoryTheBookHoldsAboutKeepOfBucketsSweepingAsRecordsArrive() {
        SealBook book = book();
        Instant hour = H10;
        int types = 20;
        for (int h = 0; h < 24 * 30; h++, hour = Hours.end(hour)) {
            clock.setInstant(Hours.end(hour).plus(Duration.ofMinutes(5)));
            for (int t = 0; t < types; t++) {
                book.accept(seal("T" + t, hour));
                book.accept(finalized("T" + t, hour, 0, clock.instant()));
                book.accept(finalized("T" + t, hour, 1, clock.instant()));
            }
        }
        long keptHours = KEEP.toHours() + 1;
        assertThat(book.bucketsKnown()).as("30 days of %s types", types)
                .isBetween((int) (keptHours * types), (int) (2 * keptHours * types));
        Instant last = hour.minus(Duration.ofHours(1));
        assertThat(book.seal(new BucketId("T0", last))).isPresent();
        assertThat(book.seal(new BucketId("T0", last.minus(KEEP)))).isPresent();
        assertThat(book.seal(new BucketId("T0", H10))).isEmpty();
    }
}
