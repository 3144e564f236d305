package io.hourglass.completionist;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.core.Json;
import io.hourglass.core.control.Announcement;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.ClosedForm;
import io.hourglass.core.control.Finalized;
import io.hourglass.core.control.Heartbeat;
import io.hourglass.core.control.HostSignal;
import io.hourglass.core.control.HostSignals;
import io.hourglass.core.control.Manifest;
import io.hourglass.core.control.Marker;
import io.hourglass.core.control.Seal;
import io.hourglass.core.kafka.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class LedgerTest {
    private static final Instant H10 = Instant.parse("2026-01-01T10:00:00Z");
    /** Each test has its own instance, so its own offsets. */
    private long offset;

    private ConsumerRecord<String, byte[]> signal(HostSignal s) {
        return new ConsumerRecord<>(Topics.MARKERS, 0, offset++, HostSignals.key(s), HostSignals.toBytes(s));
    }

    @Test
    void aHostMayHaveLoggedInAnHourItHeartbeatedInOrWasAliveWhenItBegan() {
        HostView h = new HostView("web-1");
        h.heartbeat(H10.plus(Duration.ofMinutes(59).plusSeconds(50)), H10, 0);
        Duration timeout = Duration.ofMinutes(1);
        assertThat(h.mayHaveLoggedIn(H10, timeout)).isTrue();
        assertThat(h.mayHaveLoggedIn(H10.plus(Duration.ofHours(1)), timeout)).as("alive at 11:00").isTrue();
        assertThat(h.mayHaveLoggedIn(H10.plus(Duration.ofHours(2)), timeout)).isFalse();
        HostView early = new HostView("web-2");
        early.heartbeat(H10.plus(Duration.ofMinutes(30)), H10, 0);
        assertThat(early.mayHaveLoggedIn(H10.plus(Duration.ofHours(1)), timeout)).as("died at 10:30").isFalse();
    }

    @Test
    void anHoursMarkersGiveTheHighestOffsetOfEachPartitionWhoeverMarkedItAndHowOften() {
        Ledger l = new Ledger();
        l.accept(signal(new Marker("web-1", H10, Map.of("T", 2L), Map.of("events.T", Map.of(0, 5L)), 0, false,
                H10)));
        l.accept(signal(new Marker("web-1", H10, Map.of("T", 3L), Map.of("events.T", Map.of(0, 4L, 1, 7L)), 0,
                false, H10.plusSeconds(1))));
        l.accept(signal(new Marker("web-2", H10, Map.of("T", 1L, "U", 1L),
                Map.of("events.T", Map.of(2, 9L), "events.U", Map.of(0, 3L)), 0, false, H10.plusSeconds(2))));
        HourMarks marks = l.marks(H10);
        assertThat(marks.hosts()).containsExactlyInAnyOrder("web-1", "web-2");
        assertThat(marks.offsets("events.T")).isEqualTo(Map.of(0, 5L, 1, 7L, 2, 9L));
        assertThat(marks.offsets("events.U")).isEqualTo(Map.of(0, 3L));
        assertThat(marks.offsets("events.V")).isEmpty();
        assertThat(marks.removed()).isEmpty();
        // A snapshot: what is read later does not change it.
        l.accept(signal(new Marker("web-3", H10, Map.of(), Map.of("events.T", Map.of(0, 50L)), 0, false, H10)));
        assertThat(marks.hosts()).doesNotContain("web-3");
        assertThat(marks.offsets("events.T")).containsEntry(0, 5L);
        assertThat(l.marks(H10).offsets("events.T")).containsEntry(0, 50L);
    }

    @Test
    void aMarkerWhoseFileWasRemovedCountsAsSuchUntilTheHostMarksTheHourInFull() {
        Ledger l = new Ledger();
        l.accept(signal(new Marker("web-1", H10, Map.of("T", 2L), Map.of(), 0, true, H10)));
        l.accept(signal(new Marker("web-1", H10, Map.of("T", 2L), Map.of(), 0, true, H10.plusSeconds(1))));
        l.accept(signal(new Marker("web-2", H10, Map.of("T", 2L), Map.of(), 0, true, H10)));
        assertThat(l.marks(H10).removed()).containsExactly("web-1", "web-2");
        l.accept(signal(new Marker("web-1", H10, Map.of("T", 5L), Map.of(), 0, false, H10.plusSeconds(2))));
        assertThat(l.marks(H10).removed()).as("a resend from a restored file").containsExactly("web-2");
        assertThat(l.marks(H10).hosts()).containsExactlyInAnyOrder("web-1", "web-2");
    }

    @Test
    void markersFinalizedPartitionsAndMovedWatermarksAskForADecisionNowOtherRecordsWaitForTheTick() {
        Ledger l = new Ledger();
        Instant h11 = H10.plus(Duration.ofHours(1));
        assertThat(l.accept(signal(new Heartbeat("web-1", H10.plusSeconds(5), H10)))).as("a new host").isTrue();
        assertThat(l.accept(signal(new Heartbeat("web-1", H10.plusSeconds(15), H10)))).isFalse();
        assertThat(l.accept(signal(new Heartbeat("web-1", h11.plusSeconds(5), h11)))).as("watermark moved").isTrue();
        assertThat(l.accept(signal(new Marker("web-1", H10, Map.of(), Map.of(), 0, false, h11)))).isTrue();
        Seal seal = new Seal("T", H10, Map.of(0, 5L), true, List.of(), List.of(), h11);
        assertThat(l.accept(new ConsumerRecord<>(Topics.SEALS, 0, 0, seal.bucket().key(), Json.toBytes(seal))))
                .isFalse();
        Finalized f = new Finalized("T", H10, 0, null, 0, 0, 0, Map.of(), h11);
        assertThat(l.accept(new ConsumerRecord<>(Topics.FINALIZED, 0, 0, f.key(), Json.toBytes(f)))).isTrue();
        assertThat(l.accept(new ConsumerRecord<>(Topics.FINALIZED, 0, 1, f.key(), null))).as("a tombstone")
                .isFalse();
    }

    @Test
    void aClosedBucketKeepsNoSealOrFinalizedPartitionsWhateverOrderTheyAreReadIn() {
        Instant h11 = H10.plus(Duration.ofHours(1));
        List<String> hosts = List.of("web-1", "web-2");
        Seal seal = new Seal("T", H10, Map.of(0, 5L), true, hosts, List.of(), h11);
        Finalized f = new Finalized("T", H10, 0, "part-00000.avro", 2, 0, 0, Map.of("web-1", 1L, "web-2", 1L), h11);
        Manifest closed = new Manifest("T", H10, h11, h11, 60, true, 2, 0, 0, Map.of("web-1", 1L, "web-2", 1L), hosts,
                List.of(), List.of(new Manifest.FileEntry("part-00000.avro", 2)), Map.of(0, 5L));
        List<ConsumerRecord<String, byte[]>> records = List.of(
                new ConsumerRecord<>(Topics.SEALS, 0, 0, seal.bucket().key(), Json.toBytes(seal)),
                new ConsumerRecord<>(Topics.FINALIZED, 0, 0, f.key(), Json.toBytes(f)),
                new ConsumerRecord<>(Topics.BUCKETS, 0, 0, closed.bucket().key(),
                        Json.toBytes(Announcement.of(closed))));
        List<ConsumerRecord<String, byte[]>> backwards = new ArrayList<>(records);
        java.util.Collections.reverse(backwards);
        for (List<ConsumerRecord<String, byte[]>> order : List.of(records, backwards)) {
            Ledger l = new Ledger();
            order.forEach(l::accept);
            assertThat(l.isClosed(seal.bucket())).isTrue();
            assertThat(l.seal(seal.bucket())).isEmpty();
            assertThat(l.finalizedPartitions(seal.bucket())).isEmpty();
        }
        Ledger open = new Ledger();
        records.subList(0, 2).forEach(open::accept);
        assertThat(open.seal(seal.bucket())).contains(seal);
        assertThat(open.finalizedPartitions(seal.bucket())).containsOnlyKeys(0);
    }

    @Test
    void aClosedBucketsSealAndFinalizedPartitionsAreNotReadAtAllOnceItsCloseIsKnown() {
        Instant h11 = H10.plus(Duration.ofHours(1));
        String key = new Seal("T", H10, Map.of(), true, List.of(), List.of(), h11).bucket().key();
        byte[] garbage = {'{', 1, 2};
        Ledger l = new Ledger();
        // Its key is enough to know the bucket closed; the values would not parse, and are never parsed.
        l.accept(new ConsumerRecord<>(Topics.BUCKETS, 0, 0, key, garbage));
        assertThat(l.accept(new ConsumerRecord<>(Topics.SEALS, 0, 0, key, garbage))).isFalse();
        assertThat(l.accept(new ConsumerRecord<>(Topics.FINALIZED, 0, 0, key + "|0", garbage))).isFalse();
        assertThat(l.isClosed(new BucketId("T", H10))).isTrue();
        assertThat(l.firstHour()).contains(H10);
        // A key of another form: the value says which bucket closed.
        Manifest other = new Manifest("U", H10, h11, h11, 60, true, 0, 0, 0, Map.of(), List.of(), List.of(),
                List.of(), Map.of());
        l.accept(new ConsumerRecord<>(Topics.BUCKETS, 0, 1, "not a bucket key", Json.toBytes(Announcement.of(other))));
        assertThat(l.isClosed(other.bucket())).isTrue();
        // An announcement of an older version, the whole manifest.
        Manifest older = new Manifest("V", H10, h11, h11, 60, true, 0, 0, 0, Map.of(), List.of(), List.of(),
                List.of(), Map.of());
        l.accept(new ConsumerRecord<>(Topics.BUCKETS, 0, 2, "not a bucket key", Json.toBytes(older)));
        assertThat(l.isClosed(older.bucket())).isTrue();
    }

    @Test
    void aClosedFormSaysItsBucketClosedAndIsNotParsed() {
        Instant h11 = H10.plus(Duration.ofHours(1));
        Seal seal = new Seal("T", H10, Map.of(0, 5L), true, List.of("web-1"), List.of(), h11);
        Finalized f = new Finalized("T", H10, 0, "part-00000.avro", 1, 0, 0, Map.of("web-1", 1L), h11);
        byte[] garbage = {'{', 1, 2};
        Ledger l = new Ledger();
        l.accept(new ConsumerRecord<>(Topics.SEALS, 0, 0, seal.bucket().key(), Json.toBytes(seal)));
        l.accept(new ConsumerRecord<>(Topics.FINALIZED, 0, 0, f.key(), Json.toBytes(f)));
        assertThat(l.seal(seal.bucket())).isPresent();
        // Read before the announcement, as a compacted topic may have it: the closed form alone closes the bucket.
        assertThat(l.accept(closedForm(Topics.FINALIZED, f.key(), garbage))).isFalse();
        assertThat(l.isClosed(seal.bucket())).isTrue();
        assertThat(l.seal(seal.bucket())).isEmpty();
        assertThat(l.finalizedPartitions(seal.bucket())).isEmpty();

        Ledger fresh = new Ledger();
        assertThat(fresh.accept(closedForm(Topics.SEALS, seal.bucket().key(), garbage))).isFalse();
        assertThat(fresh.isClosed(seal.bucket())).isTrue();
        assertThat(fresh.firstHour()).contains(H10);
        // Once closed, the bucket takes no seal.
        fresh.accept(new ConsumerRecord<>(Topics.SEALS, 0, 1, seal.bucket().key(), Json.toBytes(seal)));
        assertThat(fresh.seal(seal.bucket())).isEmpty();

        // A key of another form: the value says which bucket.
        Seal other = new Seal("U", H10, Map.of(), true, List.of(), List.of(), h11).withoutHosts();
        fresh.accept(closedForm(Topics.SEALS, "not a bucket key", Json.toBytes(other)));
        assertThat(fresh.isClosed(other.bucket())).isTrue();
        assertThat(fresh.seal(other.bucket())).isEmpty();
    }

    private static ConsumerRecord<String, byte[]> closedForm(String topic, String key, byte[] value) {
        return new ConsumerRecord<>(topic, 0, 0, 0L, TimestampType.CREATE_TIME, -1, -1, key, value,
                ClosedForm.headers(), Optional.empty());
    }

    @Test
    void sealsOfAnHourThatNameTheSameHostsShareOneList() {
        Instant h11 = H10.plus(Duration.ofHours(1));
        Ledger l = new Ledger();
        List<Seal> seals = new ArrayList<>();
        for (String type : List.of("A", "B", "C")) {
            List<String> hosts = type.equals("C") ? List.of("web-1") : List.of("web-1", "web-2");
            Seal s = new Seal(type, H10, Map.of(0, 5L), true, hosts, List.of(), h11);
            l.accept(new ConsumerRecord<>(Topics.SEALS, 0, 0, s.bucket().key(), Json.toBytes(s)));
            seals.add(l.seal(s.bucket()).orElseThrow());
        }
        assertThat(seals.get(1).expectedHosts()).isEqualTo(List.of("web-1", "web-2"))
                .isSameAs(seals.get(0).expectedHosts());
        assertThat(seals.get(2).expectedHosts()).isEqualTo(List.of("web-1"));
        assertThat(seals).extracting(Seal::type).containsExactly("A", "B", "C");
    }

    @Test
    void theOldestHourSeenIsTakenOnceAndThenStartsAfresh() {
        Ledger l = new Ledger();
        Instant h12 = H10.plus(Duration.ofHours(2));
        l.accept(signal(new Heartbeat("web-1", h12.plusSeconds(5), h12)));
        l.accept(signal(new Marker("web-2", H10, Map.of(), Map.of(), 0, false, h12)));
        l.accept(signal(new Heartbeat("web-1", h12.plusSeconds(15), h12)));
        assertThat(l.takeOldestSeen()).contains(H10);
        assertThat(l.takeOldestSeen()).isEmpty();
        l.accept(signal(new Heartbeat("web-1", h12.plusSeconds(25), h12)));
        assertThat(l.takeOldestSeen()).contains(h12);
        assertThat(l.firstHour()).contains(H10);
    }

    @Test
    void aWatermarkCountsForAnHourOnlyFromAHeartbeatReadAfterTheHourWasFirstSeen() {
        Ledger l = new Ledger();
        Instant h12 = H10.plus(Duration.ofHours(2));
        Instant h11 = H10.plus(Duration.ofHours(1));
        l.accept(signal(new Heartbeat("web-1", h12.plusSeconds(5), h12)));
        HostView web1 = l.hosts().get(0);
        assertThat(l.doneByWatermark(web1, h11)).as("an hour no record named").isTrue();
        l.accept(signal(new Marker("web-2", H10, Map.of("T", 1L), Map.of(), 0, false, h12.plusSeconds(6))));
        assertThat(l.doneByWatermark(web1, H10)).as("its heartbeat came before 10:00 turned up").isFalse();
        l.accept(signal(new Heartbeat("web-1", h12.plusSeconds(15), h12)));
        assertThat(l.doneByWatermark(web1, H10)).isTrue();
        l.accept(signal(new Heartbeat("web-1", h12.plusSeconds(25), H10)));
        assertThat(l.doneByWatermark(web1, H10)).as("its agent found a file of 10:00").isFalse();
    }

    @Test
    void pruneForgetsWhatLiesBeforeTheHorizonOnly() {
        Ledger l = new Ledger();
        l.accept(signal(new Heartbeat("old", H10.plusSeconds(5), H10)));
        l.accept(signal(new Heartbeat("web-1", H10.plusSeconds(5), H10)));
        l.accept(signal(new Heartbeat("web-1", H10.plus(Duration.ofHours(30)), H10.plus(Duration.ofHours(30)))));
        l.accept(signal(new Marker("web-1", H10, Map.of(), Map.of(), 0, false, H10)));
        Instant later = H10.plus(Duration.ofHours(30));
        l.accept(signal(new Marker("web-1", later, Map.of(), Map.of(), 0, false, later)));
        l.prune(H10.plus(Duration.ofHours(1)));
        assertThat(l.marks(H10).hosts()).isEmpty();
        assertThat(l.marks(later).hosts()).containsExactly("web-1");
        assertThat(l.hosts()).extracting(HostView::host).containsExactly("web-1");
        assertThat(l.firstHour()).contains(H10.plus(Duration.ofHours(1)));
    }

    /**
     * Kafka compacts {@code _hourglass.markers} to the last record of each key, in their order. A completionist that
     * starts on such a history decides as one that read every heartbeat: for each host only its latest heartbeat
     * counts, and that is kept.
     */
    @Test
    void aCompactedHistoryOfSignalsGivesTheSameDecisionsAsTheWholeOne() {
        Instant h8 = H10.minus(Duration.ofHours(2));
        Instant h11 = H10.plus(Duration.ofHours(1));
        List<HostSignal> history = new ArrayList<>();
        for (Instant t = H10; t.isBefore(h11.plus(Duration.ofMinutes(30))); t = t.plusSeconds(10)) {
            Instant open = t.isBefore(h11.plus(Duration.ofMinutes(2))) ? H10 : h11;
            history.add(new Heartbeat("web-1", t, open));
            // web-2 finds a file of 08:00 at 11:10 (a restore) and marks it at 11:20.
            boolean restoring = !t.isBefore(h11.plus(Duration.ofMinutes(10)))
                    && t.isBefore(h11.plus(Duration.ofMinutes(20)));
            history.add(new Heartbeat("web-2", t, restoring ? h8 : open));
            if (t.isBefore(H10.plus(Duration.ofMinutes(30)))) {
                history.add(new Heartbeat("web-3", t, H10));  // then it dies
            }
            if (t.equals(h11.plus(Duration.ofMinutes(2)))) {
                history.add(new Marker("web-1", H10, Map.of("T", 4L), Map.of("events.T", Map.of(0, 9L)), 0, false, t));
            }
            if (t.equals(h11.plus(Duration.ofMinutes(20)))) {
                history.add(new Marker("web-2", h8, Map.of("T", 2L), Map.of("events.T", Map.of(1, 3L)), 0, false, t));
            }
        }
        Map<String, HostSignal> lastByKey = new LinkedHashMap<>();
        history.forEach(s -> {
            String key = HostSignals.key(s);
            lastByKey.remove(key);
            lastByKey.put(key, s);
        });
        List<HostSignal> compacted = List.copyOf(lastByKey.values());
        assertThat(compacted.size()).as("web-1's and web-2's two hours, web-3's one, the two markers")
                .isEqualTo(2 + 2 + 1 + 2);

        Map<String, Object> whole = decisions(history);
        assertThat(whole.toString()).as("the history decides something").contains("web-1@" + H10 + "=[marked")
                .contains("web-2@" + h8 + "=[marked").contains("web-2@" + H10 + "=[unmarked, done");
        assertThat(decisions(compacted)).isEqualTo(whole);
    }

    /** What the completionist would decide on, for every host and hour from 08:00 to 11:00, after reading them. */
    private Map<String, Object> decisions(List<HostSignal> signals) {
        Ledger l = new Ledger();
        signals.forEach(s -> l.accept(signal(s)));
        Map<String, Object> out = new TreeMap<>();
        out.put("first hour", l.firstHour());
        for (HostView h : l.hosts()) {
            out.put(h.host(), List.of(h.lastSeen(), h.watermark()));
            for (Instant hour = H10.minus(Duration.ofHours(2)); !hour.isAfter(H10.plus(Duration.ofHours(1)));
                 hour = hour.plus(Duration.ofHours(1))) {
                out.put(h.host() + "@" + hour, List.of(l.marks(hour).marked(h.host()) ? "marked" : "unmarked",
                        l.doneByWatermark(h, hour) ? "done" : "not done",
                        h.mayHaveLoggedIn(hour, Duration.ofMinutes(1)) ? "may have logged" : "silent"));
            }
        }
        return out;
    }
}
