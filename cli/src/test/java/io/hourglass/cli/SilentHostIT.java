package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hourglass.agent.HostAgent;
import io.hourglass.client.EventLogger;
import io.hourglass.core.Hours;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SilentHostIT {
    private static final String TYPE = "SearchViewResponse";  // lateness limit PT2H
    private static final Instant H10 = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void silentHostsHourClosesIncompleteAtLatenessLimitAndItsLateEventsNeverChangeIt(@TempDir Path dir)
            throws Exception {
        try (TestBed bed = TestBed.start(dir, H10.plus(Duration.ofMinutes(5)), false)) {
            TwoHosts hosts = TwoHosts.shippedThenHostBStopped(bed);  // host-b goes silent: no marker for 10:00
            EventLogger b = hosts.b();
            Set<String> before = hosts.shipped();
            HostAgent agentA = hosts.agentA();

            bed.advanceTo(H10.plus(Duration.ofMinutes(40)));
            Set<String> stranded = new HashSet<>();
            for (int i = 0; i < 10; i++) {
                stranded.add(bed.log(b, TYPE));  // logged, but nobody ships them yet
            }
            BucketId bucket = new BucketId(TYPE, H10);
            bed.advanceTo(Instant.parse("2026-03-01T12:30:00Z"));  // before the lateness limit
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> !bed.isClosed(bucket));

            bed.advanceTo(Instant.parse("2026-03-01T13:01:00Z"));  // 10:00 + 1h + PT2H has passed
            Manifest closed = bed.awaitClosed(bucket);
            assertThat(closed.complete()).isFalse();
            assertThat(closed.missingHosts()).containsExactly("host-b");
            assertThat(closed.expectedHosts()).contains("host-a", "host-b");
            assertThat(bed.records(bucket).keySet()).isEqualTo(before);
            byte[] manifestBytes = Files.readAllBytes(bed.bucketDir(bucket).resolve("_SUCCESS"));
            Map<String, byte[]> fileBytes = new java.util.HashMap<>();
            for (Manifest.FileEntry f : closed.files()) {
                fileBytes.put(f.name(), Files.readAllBytes(bed.bucketDir(bucket).resolve(f.name())));
            }

            // host-b comes back having lost its checkpoint: it resends all 30 events of 10:00.
            Files.delete(bed.checkpoint("host-b"));
            HostAgent revived = bed.agent("host-b", List.of(bed.collector()), 100);
            revived.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> bed.kafkaEvents("events." + TYPE) == 70);
            bed.advanceTo(Instant.parse("2026-03-01T14:03:00Z"));
            BucketId arrival = new BucketId(TYPE, Instant.parse("2026-03-01T13:00:00Z"));
            Manifest late = bed.awaitClosed(arrival);
            agentA.stop();
            revived.stop();

            Map<String, GenericRecord> lateRecords = bed.records(arrival);
            assertThat(lateRecords.keySet()).isEqualTo(stranded);
            lateRecords.values().forEach(r -> {
                assertThat(r.get("late")).isEqualTo(true);
                assertThat(Hours.hourOf(Instant.ofEpochMilli((Long) r.get("logged_at")))).isEqualTo(H10);
            });
            assertThat(late.lateEvents()).isEqualTo(stranded.size());
            assertThat(late.duplicatesDropped()).as("resent copies of events already in the closed bucket")
                    .isEqualTo(20);
            assertThat(Files.readAllBytes(bed.bucketDir(bucket).resolve("_SUCCESS"))).isEqualTo(manifestBytes);
            for (var f : fileBytes.entrySet()) {
                assertThat(Files.readAllBytes(bed.bucketDir(bucket).resolve(f.getKey()))).isEqualTo(f.getValue());
            }
            assertThat(Files.list(bed.bucketDir(bucket)).count()).isEqualTo(fileBytes.size() + 1);
        }
    }

    @Test
    void anHoursFileRemovedBeforeItWasAllSentClosesItsBucketsIncompleteAtOnceAndTheNextHourAsUsual(@TempDir Path dir)
            throws Exception {
        try (TestBed bed = TestBed.start(dir, H10.plus(Duration.ofMinutes(5)), false)) {
            TwoHosts hosts = TwoHosts.shippedThenHostBStopped(bed);
            for (int i = 0; i < 10; i++) {
                bed.log(hosts.b(), TYPE);  // never sent: a cleanup removes the file while host-b's agent is down
            }

            Instant h11 = H10.plus(Duration.ofHours(1));
            bed.advanceTo(h11.plus(Duration.ofMinutes(5)));
            Set<String> next = logOnBoth(bed, hosts.a(), hosts.b(), 5);
            Files.delete(dir.resolve("hosts").resolve("host-b").resolve(Hours.logFileName(H10)));
            HostAgent revived = startedAndShipped(bed, "host-b", 50);
            BucketId bucket = new BucketId(TYPE, H10);
            Manifest closed = bed.awaitClosed(bucket);
            assertThat(closed.complete()).isFalse();
            assertThat(closed.missingHosts()).containsExactly("host-b");
            assertThat(closed.closedAt()).as("not held until the lateness limit: nothing more can come")
                    .isBefore(h11.plus(Duration.ofMinutes(10)));
            assertThat(bed.records(bucket).keySet()).isEqualTo(hosts.shipped());

            bed.advanceTo(h11.plus(Duration.ofMinutes(63)));
            Manifest after = bed.awaitClosed(new BucketId(TYPE, h11));
            hosts.agentA().stop();
            revived.stop();
            assertThat(after.complete()).as("host-b's watermark moved on").isTrue();
            assertThat(bed.records(new BucketId(TYPE, h11)).keySet()).isEqualTo(next);
        }
    }

    @Test
    void aHostFirstHeardOfWithAnOlderHourStillHasThatHourClosed(@TempDir Path dir) throws Exception {
        Instant now = Instant.parse("2026-03-01T12:05:00Z");
        try (TestBed bed = TestBed.start(dir, now, false);
             EventLogger backlog = new EventLogger(dir.resolve("hosts").resolve("host-b"),
                     Clock.fixed(H10.plus(Duration.ofMinutes(30)), ZoneOffset.UTC), false)) {
            Set<String> logged = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                logged.add(bed.log(backlog, TYPE));
            }
            // The completionist ticks for a while knowing only hour 12 (the collector's heartbeats) ...
            Thread.sleep(1500);
            // ... then a host it never heard of ships its backlog of 10:00, and the startup grace runs out.
            HostAgent agent = bed.agent("host-b", List.of(bed.collector()), 100);
            agent.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> bed.kafkaEvents("events." + TYPE) == logged.size());
            bed.advanceTo(now.plus(Duration.ofMinutes(25)));
            Manifest closed = bed.awaitClosed(new BucketId(TYPE, H10));
            Manifest next = bed.awaitClosed(new BucketId(TYPE, H10.plus(Duration.ofHours(1))));
            agent.stop();

            assertThat(closed.complete()).isTrue();
            assertThat(closed.expectedHosts()).contains("host-b");
            assertThat(bed.records(new BucketId(TYPE, H10)).keySet()).isEqualTo(logged);
            assertThat(next.events()).isZero();
        }
    }

    /** Two hosts whose 20 events each of the clock's hour are in Kafka; host-b's agent was stopped after that. */
    private record TwoHosts(EventLogger a, EventLogger b, Set<String> shipped, HostAgent agentA) {
        static TwoHosts shippedThenHostBStopped(TestBed bed) {
            EventLogger a = bed.logger("host-a");
            EventLogger b = bed.logger("host-b");
            Set<String> ids = logOnBoth(bed, a, b, 20);
            HostAgent agentA = startedAndShipped(bed, "host-a", 20);
            startedAndShipped(bed, "host-b", 40).stop();
            return new TwoHosts(a, b, ids, agentA);
        }
    }

    /** Logs {@code n} events of the type on each host at the clock's time; returns their ids. */
    private static Set<String> logOnBoth(TestBed bed, EventLogger a, EventLogger b, int n) {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < n; i++) {
            ids.add(bed.log(a, TYPE));
            ids.add(bed.log(b, TYPE));
        }
        return ids;
    }

    /** Starts an agent for the host and waits until the type's topic holds at least {@code events} events. */
    private static HostAgent startedAndShipped(TestBed bed, String host, long events) {
        HostAgent agent = bed.agent(host, List.of(bed.collector()), 100);
        agent.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> bed.kafkaEvents("events." + TYPE) >= events);
        return agent;
    }
}
