package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hourglass.agent.AgentConfig;
import io.hourglass.agent.HostAgent;
import io.hourglass.cli.standalone.StandaloneConfig;
import io.hourglass.client.EventLogger;
import io.hourglass.core.Hours;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.Manifest;
import io.hourglass.core.kafka.Topics;
import io.hourglass.core.registry.EventType;
import io.hourglass.writer.Writer;
import io.hourglass.writer.WriterConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host can bring files of an hour older than the hours already closed: it was off for a while, or it is new and
 * has a backlog. Such an hour gets its buckets if it never had them, and a bucket closed before stays as it is.
 */
class OlderHourIT {
    private static final Instant T0 = Instant.parse("2026-03-01T10:50:00Z");
    private static final Duration GRACE = Duration.ofSeconds(10);
    private static final String TYPE = "PlaybackStarted";

    @Test
    void anHourOlderThanEveryClosedOneGetsItsBucketsWhenAHostBringsIt(@TempDir Path dir) throws Exception {
        try (TestBed bed = TestBed.start(dir, T0, true, UnaryOperator.identity(), GRACE)) {
            ClosedHour closed = oneEventInAClosedHour(bed);
            BucketId ten = closed.bucket();
            byte[] tenManifest = closed.manifest();

            Instant eight = ten.hour().minus(Duration.ofHours(2));
            EventLogger backlog = loggerAt(bed, "host-back", eight.plus(Duration.ofMinutes(30)));
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < 7; i++) {
                ids.add(bed.log(backlog, TYPE));
            }
            backlog.close();
            bed.awaitAgents(Set.of("host-back"));
            // Hosts that heartbeated before 08:00 turned up are done with it only by a heartbeat after.
            bed.advanceTo(bed.clock.instant().plus(Duration.ofSeconds(10)));

            BucketId old = new BucketId(TYPE, eight);
            Manifest m = bed.awaitClosed(old);
            assertThat(m.complete()).isTrue();
            assertThat(bed.records(old).keySet()).isEqualTo(ids);
            assertThat(m.hosts()).containsOnlyKeys("host-back");
            assertThat(bed.awaitClosed(new BucketId(TYPE, Hours.end(eight))).events())
                    .as("the hour between it and the first one seen had no bucket either").isZero();
            assertThat(bed.awaitClosed(new BucketId("UserLogin", eight)).events()).isZero();
            assertThat(Files.readAllBytes(bed.bucketDir(ten).resolve("_SUCCESS")))
                    .as("a bucket closed before is not written again").isEqualTo(tenManifest);
        }
    }

    @Test
    void anHourClosedAndForgottenStaysClosedAndItsNewEventsArriveLate(@TempDir Path dir) throws Exception {
        try (TestBed bed = TestBed.start(dir, T0, true, UnaryOperator.identity(), GRACE)) {
            ClosedHour closed = oneEventInAClosedHour(bed);
            String first = closed.eventId();
            BucketId ten = closed.bucket();
            byte[] tenManifest = closed.manifest();
            // More than a day on, the completionist forgets the hour; one more hour makes sure it has pruned.
            Instant dayOn = ten.hour().plus(Duration.ofHours(27));
            closeHoursUpTo(bed, dayOn);
            closeHoursUpTo(bed, Hours.end(dayOn));

            EventLogger returning = loggerAt(bed, "host-back", ten.hour().plus(Duration.ofMinutes(30)));
            String lateId = bed.log(returning, TYPE);
            returning.close();
            bed.awaitAgents(Set.of("host-back"));
            BucketId arrival = new BucketId(TYPE, Hours.end(dayOn));
            closeHoursUpTo(bed, Hours.end(arrival.hour()));

            Manifest m = bed.manifest(arrival);
            assertThat(m.lateEvents()).isEqualTo(1);
            GenericRecord late = bed.records(arrival).get(lateId);
            assertThat(late).as("the event of the forgotten hour, in the bucket of its arrival").isNotNull();
            assertThat(late.get("late")).isEqualTo(true);
            assertThat(Files.readAllBytes(bed.bucketDir(ten).resolve("_SUCCESS"))).isEqualTo(tenManifest);
            assertThat(bed.records(ten).keySet()).containsExactly(first);
            assertThat(bed.decisionsWithKey(Topics.SEALS, ten.key())).as("the closed bucket is not sealed again")
                    .isEqualTo(1);
        }
    }

    @Test
    void anHourTheWritersForgotStillSendsItsLateEventsOnAndDropsCopiesOfItsEvents(@TempDir Path dir) throws Exception {
        try (TestBed bed = TestBed.start(dir, T0, true, UnaryOperator.identity(), GRACE)) {
            ClosedHour closed = oneEventInAClosedHour(bed);
            String first = closed.eventId();
            BucketId ten = closed.bucket();
            byte[] tenManifest = closed.manifest();
            List<String> types = bed.hourglass.registry().all().stream().map(EventType::name).toList();
            // Every type's hour 10 is finalized before the clock moves on: one finalized after the move is kept for
            // two days from then, as it should be, and would still be known below.
            types.forEach(t -> bed.awaitClosed(new BucketId(t, ten.hour())));
            // Two days and two hours on, the writers forget hour 10, the only one finalized more than two days ago.
            Instant later = ten.hour().plus(Writer.SEALS_KEPT).plus(Duration.ofHours(2));
            closeHoursUpTo(bed, later);
            Instant lastClosed = later.minus(Duration.ofHours(1));
            types.forEach(t -> bed.awaitClosed(new BucketId(t, lastClosed)));
            long sealed;
            try (Stream<Path> files = Files.walk(dir.resolve("lake"))) {
                sealed = files.filter(f -> f.endsWith("_SUCCESS")).count();
            }
            int lanes = bed.hourglass.registry().lanes().size();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(sealsKnown(bed))
                    .as("each lane's writer: every sealed bucket but those of hour 10")
                    .isEqualTo((sealed - types.size()) * lanes));

            EventLogger returning = loggerAt(bed, "host-back", ten.hour().plus(Duration.ofMinutes(30)));
            String lateId = bed.log(returning, TYPE);
            returning.close();
            copyLine(bed, "host-a", "host-copy", ten.hour(), first);
            bed.awaitAgents(Set.of("host-back", "host-copy"));
            BucketId arrival = new BucketId(TYPE, later);
            closeHoursUpTo(bed, Hours.end(later));

            Manifest m = bed.manifest(arrival);
            assertThat(m.lateEvents()).isEqualTo(1);
            assertThat(m.duplicatesDropped()).as("the copy of an event in the forgotten bucket's file").isEqualTo(1);
            assertThat(bed.records(arrival).keySet()).containsExactly(lateId);
            assertThat(bed.records(arrival).get(lateId).get("late")).isEqualTo(true);
            assertThat(Files.readAllBytes(bed.bucketDir(ten).resolve("_SUCCESS"))).isEqualTo(tenManifest);
            assertThat(bed.decisionsWithKey(Topics.SEALS, ten.key())).isEqualTo(1);
            assertThat(closedIdChecks(bed)).as("the late event and the copy each looked into the ids of hour 10 only,"
                    + " not into those of the %d closed hours after it", Duration.between(ten.hour(), later).toHours()
                    - 1).isEqualTo(2);
        }
    }

    @Test
    void aCopyOfALateEventThatComesHoursLaterIsDroppedByTheBucketTheFirstCopyWentTo(@TempDir Path dir)
            throws Exception {
        try (TestBed bed = TestBed.start(dir, T0, true, UnaryOperator.identity(), GRACE)) {
            BucketId ten = oneEventInAClosedHour(bed).bucket();
            String lateId = lateEventFromAReturningHost(bed, ten);
            BucketId firstArrival = new BucketId(TYPE, Hours.end(ten.hour()));
            Instant copyArrives = ten.hour().plus(Duration.ofHours(5));
            closeHoursUpTo(bed, copyArrives);
            assertThat(bed.awaitClosed(firstArrival).lateEvents()).isEqualTo(1);
            assertThat(bed.records(firstArrival).keySet()).containsExactly(lateId);

            copyLine(bed, "host-back", "host-copy", ten.hour(), lateId);
            bed.awaitAgents(Set.of("host-copy"));
            BucketId copyArrival = new BucketId(TYPE, copyArrives);
            closeHoursUpTo(bed, Hours.end(copyArrives));

            Manifest m = bed.awaitClosed(copyArrival);
            assertThat(m.duplicatesDropped()).as("the copy, found in the bucket its first copy went to").isEqualTo(1);
            assertThat(m.lateEvents()).isZero();
            assertThat(bed.records(copyArrival)).isEmpty();
        }
    }

    @Test
    void aCopyMeetsItsFirstCopyInABucketStillOpenAlsoWhenTheWriterKeepsLateIdsOnDisk(@TempDir Path dir)
            throws Exception {
        try (TestBed bed = TestBed.start(dir, T0, true, UnaryOperator.identity(), GRACE,
                StandaloneConfig::withoutWriters)) {
            bed.hourglass.startWriters(c -> new WriterConfig(c.lane(), c.instanceId(), c.commitInterval(),
                    c.retryInterval(), c.stagingDir(), c.codec(), c.dedupMemoryIds(), c.blockMemory(), 0));
            BucketId ten = oneEventInAClosedHour(bed).bucket();
            String lateId = lateEventFromAReturningHost(bed, ten);
            BucketId firstArrival = new BucketId(TYPE, Hours.end(ten.hour()));
            await().atMost(Duration.ofSeconds(30)).until(() -> !lateIdFiles(dir).isEmpty());

            // 11:00 has ended, but within the agents' grace its bucket is open when the copy arrives.
            BucketId copyArrival = new BucketId(TYPE, Hours.end(firstArrival.hour()));
            bed.advanceTo(copyArrival.hour().plusSeconds(2));
            copyLine(bed, "host-back", "host-copy", ten.hour(), lateId);
            bed.awaitAgents(Set.of("host-copy"));
            await().atMost(Duration.ofSeconds(30)).until(() -> lateDuplicates(bed) == 1);
            assertThat(bed.bucketDir(firstArrival).resolve("_SUCCESS")).as("dropped while 11:00 was open")
                    .doesNotExist();

            closeHoursUpTo(bed, Hours.end(copyArrival.hour()));
            assertThat(bed.awaitClosed(firstArrival).lateEvents()).isEqualTo(1);
            assertThat(bed.records(firstArrival).keySet()).containsExactly(lateId);
            Manifest m = bed.awaitClosed(copyArrival);
            assertThat(m.duplicatesDropped()).isEqualTo(1);
            assertThat(bed.records(copyArrival)).isEmpty();
            assertThat(lateIdFiles(dir)).as("a closed bucket's late ids leave the disk").isEmpty();
        }
    }

    /** host-back sends one event of the closed hour {@code ten}, as the clock stands; returns its id. */
    private static String lateEventFromAReturningHost(TestBed bed, BucketId ten) throws Exception {
        EventLogger returning = loggerAt(bed, "host-back", ten.hour().plus(Duration.ofMinutes(30)));
        String lateId = bed.log(returning, TYPE);
        returning.close();
        bed.awaitAgents(Set.of("host-back"));
        return lateId;
    }

    private static List<Path> lateIdFiles(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir.resolve("writer-staging"))) {
            return files.filter(f -> f.getFileName().toString().contains(".spill.late.")).toList();
        }
    }

    private static double lateDuplicates(TestBed bed) {
        return bed.hourglass.metrics().find("hourglass_writer_late_duplicates_total").counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private static double closedIdChecks(TestBed bed) {
        return bed.hourglass.metrics().find("hourglass_writer_closed_id_checks_total").counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private static double sealsKnown(TestBed bed) {
        return bed.hourglass.metrics().find("hourglass_writer_seals_known").gauges().stream()
                .mapToDouble(Gauge::value).sum();
    }

    /** Puts the line of event {@code id} from one host's log of {@code hour} into another host's log, at once. */
    private static void copyLine(TestBed bed, String from, String to, Instant hour, String id) throws Exception {
        String name = Hours.logFileName(hour);
        String line = Files.readAllLines(bed.dataDir.resolve("hosts").resolve(from).resolve(name)).stream()
                .filter(l -> l.contains(id)).findFirst().orElseThrow();
        Path hostDir = Files.createDirectories(bed.dataDir.resolve("hosts").resolve(to));
        Path elsewhere = Files.writeString(bed.dataDir.resolve(name + ".copy"), line + "\n");
        Files.move(elsewhere, hostDir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void aHostWhoseLastHeartbeatCameBeforeTheOlderHourTurnedUpMustMarkIt(@TempDir Path dir) throws Exception {
        try (TestBed bed = TestBed.start(dir, T0, false, UnaryOperator.identity(), GRACE)) {
            HostAgent quick = bed.agent("host-b", List.of(bed.collector()), 100);
            // host-a heartbeats once, at its start, and ships an event a request: host-b marks 08:00 long before
            // host-a is through, while host-a's only watermark (10:00) is from before its file of 08:00 turned up.
            AgentConfig d = AgentConfig.defaults(List.of(bed.collector()), dir.resolve("agent-state"));
            HostAgent slow = new HostAgent("host-a", dir.resolve("hosts").resolve("host-a"), new AgentConfig(
                    d.collectors(), d.stateDir(), Duration.ofMinutes(2), 1, d.batchMaxBytes(), d.maxLineBytes(),
                    Duration.ofMillis(20), Duration.ofHours(1), d.backoffBase(), d.backoffMax(), d.requestTimeout(),
                    d.compression(), d.checkpointInterval(), d.maxInFlight()), bed.clock, new SimpleMeterRegistry());
            EventLogger liveA = bed.logger("host-a");
            String tenEvent = bed.log(liveA, TYPE);
            quick.start();
            slow.start();
            // Its heartbeat names 10:00 before the clock moves. Otherwise host-b's and the collector's heartbeats
            // past 10:00 could come first, and would rightly not count for an hour that turned up after them.
            await().atMost(Duration.ofSeconds(30)).until(() -> slow.lastHeartbeat().equals(T0));
            ScheduledExecutorService ticking = Executors.newSingleThreadScheduledExecutor();
            try {
                BucketId ten = new BucketId(TYPE, Hours.hourOf(T0));
                bed.advanceTo(Hours.end(ten.hour()).plus(Duration.ofMinutes(2)).plusSeconds(1));
                assertThat(bed.awaitClosed(ten).hosts()).isEqualTo(Map.of("host-a", 1L));
                assertThat(bed.records(ten).keySet()).containsExactly(tenEvent);

                Instant eight = ten.hour().minus(Duration.ofHours(2));
                Set<String> ids = new HashSet<>();
                ids.addAll(logElsewhereThenMove(bed, "host-a", eight.plus(Duration.ofMinutes(10)), 300));
                ids.addAll(logElsewhereThenMove(bed, "host-b", eight.plus(Duration.ofMinutes(20)), 1));
                // Time passes (a second every 100 ms): the collector and host-b heartbeat again, host-a does not.
                ticking.scheduleAtFixedRate(() -> bed.clock.add(Duration.ofSeconds(1)), 100, 100,
                        TimeUnit.MILLISECONDS);

                BucketId old = new BucketId(TYPE, eight);
                Manifest m = bed.awaitClosed(old);
                assertThat(m.complete()).isTrue();
                assertThat(m.hosts()).as("host-a's 300 events, not those sent before host-b marked the hour")
                        .isEqualTo(Map.of("host-a", 300L, "host-b", 1L));
                assertThat(bed.records(old).keySet()).isEqualTo(ids);
            } finally {
                ticking.shutdownNow();
                slow.stop();
                quick.stop();
            }
        }
    }

    /** host-a's one event at T0, in its hour's bucket, closed: what each test compares the lake with later. */
    private record ClosedHour(String eventId, BucketId bucket, byte[] manifest) {
    }

    private static ClosedHour oneEventInAClosedHour(TestBed bed) throws Exception {
        EventLogger live = bed.logger("host-a");
        bed.awaitAgents(Set.of("host-a"));
        String id = bed.log(live, TYPE);
        BucketId ten = new BucketId(TYPE, Hours.hourOf(T0));
        closeHoursUpTo(bed, Hours.end(ten.hour()));
        return new ClosedHour(id, ten, Files.readAllBytes(bed.bucketDir(ten).resolve("_SUCCESS")));
    }

    /** Logs {@code n} events at {@code t} into a file elsewhere, then moves it into the host's log at once. */
    private static Set<String> logElsewhereThenMove(TestBed bed, String host, Instant t, int n) throws Exception {
        Path elsewhere = bed.dataDir.resolve("staging-" + host);
        Set<String> ids = new HashSet<>();
        try (EventLogger logger = new EventLogger(elsewhere, Clock.fixed(t, ZoneOffset.UTC), false)) {
            for (int i = 0; i < n; i++) {
                ids.add(bed.log(logger, TYPE));
            }
        }
        Path hostDir = Files.createDirectories(bed.dataDir.resolve("hosts").resolve(host));
        String name = Hours.logFileName(Hours.hourOf(t));
        Files.move(elsewhere.resolve(name), hostDir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        return ids;
    }

    /** A logger whose clock stands at {@code t}: its host's files are of that hour. */
    private static EventLogger loggerAt(TestBed bed, String host, Instant t) {
        return new EventLogger(bed.dataDir.resolve("hosts").resolve(host), Clock.fixed(t, ZoneOffset.UTC), false);
    }

    /** Moves the clock past the end of the hour before {@code hour} plus the grace; waits until its bucket closes. */
    private static void closeHoursUpTo(TestBed bed, Instant hour) {
        bed.advanceTo(hour.plus(GRACE).plusSeconds(1));
        bed.awaitClosed(new BucketId(TYPE, hour.minus(Duration.ofHours(1))));
    }
}
