package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hourglass.agent.AgentConfig;
import io.hourglass.cli.chaos.Proc;
import io.hourglass.cli.verify.LakeVerifier;
import io.hourglass.cli.verify.VerifyReport;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.ClosedForm;
import io.hourglass.core.control.Manifest;
import io.hourglass.core.kafka.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Components as real processes, SIGKILLed at exact moments; the final files must hold every event exactly once. */
class ProcessFaultIT {
    private static final String TYPE = "PlaybackStarted";
    private static final Duration CLOSE = Duration.ofSeconds(120);
    private static final Duration FAILPOINT_WAIT = Duration.ofSeconds(90);

    @Test
    void agentKilledBetweenAckAndCheckpointResendsAndTheBucketHasEachEventOnce(@TempDir Path dir) throws Exception {
        try (ProcessHarness h = new ProcessHarness(dir)) {
            // One batch in flight, so that exactly the batch acknowledged before the kill is resent.
            KilledAgent killed = killAgentAtThirdAnswer(h, 1);
            assertThat(h.kafkaEvents(TYPE)).isEqualTo(150);

            Manifest m = killed.restartAndAwaitClose(h);
            assertThat(m.duplicatesDropped()).as("the acknowledged but uncheckpointed batch, resent").isEqualTo(50);
        }
    }

    @Test
    void agentKilledWithTwoBatchesInFlightResendsFromItsCheckpointAndTheBucketHasEachEventOnce(@TempDir Path dir)
            throws Exception {
        try (ProcessHarness h = new ProcessHarness(dir)) {
            // Killed as the third answer comes in: the fourth batch is sent and may be in Kafka too.
            KilledAgent killed = killAgentAtThirdAnswer(h, 2);
            assertThat(h.kafkaEvents(TYPE)).isBetween(150L, 200L);

            Manifest m = killed.restartAndAwaitClose(h);
            long copies = h.kafkaEvents(TYPE) - killed.ids().size();
            assertThat(m.duplicatesDropped()).as("every copy in Kafka is dropped").isEqualTo(copies);
            assertThat(copies).as("resent from the checkpoint after the second batch: the third, maybe the fourth")
                    .isBetween(50L, 100L);
        }
    }

    /** An agent SIGKILLed as its third answer came in, and the ids of its host's 300 events. */
    private record KilledAgent(Proc agent, Set<String> ids) {
        /** Starts the agent again, waits for the bucket to close, and checks each event is in it once. */
        Manifest restartAndAwaitClose(ProcessHarness h) throws Exception {
            agent.env("HOURGLASS_FAIL_AT", null).start();
            Manifest m = h.awaitClosed(h.bucket(TYPE), CLOSE);
            assertExactlyOnce(h, m, ids);
            return m;
        }
    }

    /**
     * Starts a collector, a writer and a completionist, logs 300 events on host-a, and runs its agent (batches of 50,
     * a checkpoint after every answer) until the third answer comes in, then kills it.
     */
    private static KilledAgent killAgentAtThirdAnswer(ProcessHarness h, int maxInFlight) throws Exception {
        Proc collector = h.collector("c1");
        collector.start();
        h.component("writer", "writer").start();
        h.component("completionist", "completionist").start();
        Set<String> ids = h.log("host-a", TYPE, 300);
        Proc agent = h.agent("host-a", List.of(collector), 50, Duration.ZERO, maxInFlight)
                .env("HOURGLASS_FAIL_AT", "agent.after-ack:3");
        agent.start();
        assertThat(agent.awaitOutput("FAILPOINT agent.after-ack", FAILPOINT_WAIT)).as(() -> agent.tail(40)).isTrue();
        agent.kill();
        return new KilledAgent(agent, ids);
    }

    @Test
    void collectorKilledBetweenProduceAndAckLosesNothing(@TempDir Path dir) throws Exception {
        try (ProcessHarness h = new ProcessHarness(dir)) {
            Proc c1 = h.collector("c1").env("HOURGLASS_FAIL_AT", "collector.after-produce:2");
            Proc c2 = h.collector("c2");
            c1.start();
            c2.start();
            assertThat(c1.awaitOutput("hourglass collector: running", FAILPOINT_WAIT)).as(() -> c1.tail(20)).isTrue();
            assertThat(c2.awaitOutput("hourglass collector: running", FAILPOINT_WAIT)).as(() -> c2.tail(20)).isTrue();
            h.component("writer", "writer").start();
            // The hour waits for the killed collector until it times out: 15 s (three of its heartbeats), not 60.
            h.component("completionist", "completionist", "completionist.host-timeout=15s").start();
            Set<String> ids = h.log("host-b", TYPE, 200);
            // One batch in flight, so that exactly the batch produced before the kill is resent.
            Proc agent = h.agent("host-b", List.of(c1, c2), 50, AgentConfig.DEFAULT_CHECKPOINT_INTERVAL, 1);
            agent.start();
            assertThat(c1.awaitOutput("FAILPOINT collector.after-produce", FAILPOINT_WAIT))
                    .as(() -> c1.tail(40)).isTrue();
            c1.kill();  // the second batch is in Kafka, but its sender never heard so

            Manifest m = h.awaitClosed(h.bucket(TYPE), CLOSE);
            assertExactlyOnce(h, m, ids);
            assertThat(m.duplicatesDropped()).as("the produced but unacknowledged batch, resent").isEqualTo(50);
        }
    }

    @Test
    void writerKilledMidFileNeverExposesAHalfWrittenFile(@TempDir Path dir) throws Exception {
        try (ProcessHarness h = new ProcessHarness(dir)) {
            Proc collector = h.collector("c1");
            collector.start();
            Proc writer = h.component("writer", "writer").env("HOURGLASS_FAIL_AT", "writer.mid-file");
            writer.start();
            h.component("completionist", "completionist").start();
            Set<String> ids = h.log("host-c", TYPE, 400);
            h.agent("host-c", List.of(collector), 100).start();
            assertThat(writer.awaitOutput("FAILPOINT writer.mid-file", FAILPOINT_WAIT))
                    .as(() -> writer.tail(40)).isTrue();
            BucketId bucket = h.bucket(TYPE);
            // Partitions are written side by side: another partition's file may be done, but the one frozen
            // mid-file is only a hidden temporary, and every visible file is whole.
            assertThat(names(h.bucketDir(bucket))).as("the file being written is a hidden temporary")
                    .anyMatch(n -> n.startsWith(".") && n.endsWith(".tmp"));
            writer.kill();
            List<String> visible = names(h.bucketDir(bucket)).stream().filter(n -> !n.startsWith(".")).toList();
            assertThat(visible).doesNotContain("_SUCCESS").allMatch(n -> n.endsWith(".avro"));
            for (String name : visible) {
                assertThat(wholeAvroRecords(h.bucketDir(bucket).resolve(name))).as(name).isPositive();
            }

            writer.env("HOURGLASS_FAIL_AT", null).start();
            Manifest m = h.awaitClosed(bucket, CLOSE);
            assertExactlyOnce(h, m, ids);
            assertThat(names(h.bucketDir(bucket))).as("stale temporaries are cleaned up")
                    .noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void completionistKilledAfterSealingThenAfterAnnouncingClosesTheBucketAndWritesItsClosedFormsAfterAFailure(
            @TempDir Path dir)
            throws Exception {
        try (ProcessHarness h = new ProcessHarness(dir)) {
            Proc collector = h.collector("c1");
            collector.start();
            h.component("writer", "writer").start();
            Proc completionist = h.component("completionist", "completionist")
                    .env("HOURGLASS_FAIL_AT", "completionist.after-seal");
            completionist.start();
            Set<String> ids = h.log("host-d", TYPE, 200);
            h.agent("host-d", List.of(collector), 100).start();
            assertThat(completionist.awaitOutput("FAILPOINT completionist.after-seal", FAILPOINT_WAIT))
                    .as(() -> completionist.tail(40)).isTrue();
            completionist.kill();
            assertThat(Files.exists(h.bucketDir(h.bucket(TYPE)).resolve("_SUCCESS"))).isFalse();

            // Killed again, between its first announcements and their buckets' closed forms.
            completionist.env("HOURGLASS_FAIL_AT", "completionist.after-announcement").start();
            assertThat(completionist.awaitOutput("FAILPOINT completionist.after-announcement", FAILPOINT_WAIT))
                    .as(() -> completionist.tail(40)).isTrue();
            completionist.kill();
            Set<String> announced = h.records(Topics.BUCKETS).stream().map(ConsumerRecord::key)
                    .collect(Collectors.toSet());
            assertThat(announced).isNotEmpty();
            assertThat(closedForms(h, Topics.SEALS)).as("none written before the kill").isEmpty();

            // Started again, its first write of closed forms (those the kill left out) fails: a tick writes them.
            completionist.env("HOURGLASS_FAIL_AT", "completionist.closed-forms:1:throw").start();
            Manifest m = h.awaitClosed(h.bucket(TYPE), CLOSE);
            assertExactlyOnce(h, m, ids);
            for (var type : h.registry.all()) {
                h.awaitClosed(h.bucket(type.name()), CLOSE);
            }
            assertThat(completionist.awaitOutput("FAILPOINT completionist.closed-forms", FAILPOINT_WAIT))
                    .as(() -> completionist.tail(40)).isTrue();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(closedForms(h, Topics.SEALS)).as("the restart wrote those the kill left out, running")
                        .containsAll(announced);
                Set<String> partsOfAnnounced = h.records(Topics.FINALIZED).stream().map(ConsumerRecord::key)
                        .filter(k -> BucketId.ofKey(k).map(BucketId::key).filter(announced::contains).isPresent())
                        .collect(Collectors.toSet());
                assertThat(closedForms(h, Topics.FINALIZED)).containsAll(partsOfAnnounced);
            });
        }
    }

    /** The keys that have a closed form in a decisions topic. */
    private static Set<String> closedForms(ProcessHarness h, String topic) {
        return h.records(topic).stream().filter(r -> ClosedForm.isClosedForm(r.headers())).map(ConsumerRecord::key)
                .collect(Collectors.toSet());
    }

    @Test
    void collectorIsNotReadyAndPushesBackWhileKafkaIsUnreachable(@TempDir Path dir) throws Exception {
        try (ProcessHarness h = new ProcessHarness(dir)) {
            Proc collector = h.collector("c1");
            collector.start();
            assertThat(collector.awaitOutput("hourglass collector: running", FAILPOINT_WAIT))
                    .as(() -> collector.tail(20)).isTrue();
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.net.URI base = java.net.URI.create(h.url(collector));
            await().atMost(Duration.ofSeconds(30)).until(() -> status(http, base.resolve("/readyz")) == 200);

            h.stopKafka();
            await().atMost(Duration.ofSeconds(30)).until(() -> status(http, base.resolve("/readyz")) == 503);
            String line = "{\"id\":\"" + java.util.UUID.randomUUID() + "\",\"type\":\"UserLogin\",\"version\":1,"
                    + "\"logged_at\":1767261599000,\"payload\":{\"user_id\":\"u\",\"platform\":\"web\"}}";
            var resp = http.send(java.net.http.HttpRequest.newBuilder(base.resolve("/v1/events"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(line)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(resp.statusCode()).isEqualTo(503);
            assertThat(resp.headers().firstValue("Retry-After")).isPresent();
            assertThat(status(http, base.resolve("/healthz"))).as("alive, only not ready").isEqualTo(200);
        }
    }

    private static int status(java.net.http.HttpClient http, java.net.URI uri) {
        try {
            return http.send(java.net.http.HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static void assertExactlyOnce(ProcessHarness h, Manifest m, Set<String> ids) throws Exception {
        assertThat(m.complete()).isTrue();
        assertThat(m.events()).isEqualTo(ids.size());
        VerifyReport report = new LakeVerifier(h.dir).verify();
        assertThat(report.violations()).isEmpty();
        Set<String> inBucket = new java.util.HashSet<>();
        for (Manifest.FileEntry f : m.files()) {
            Path file = h.dir.resolve("lake").resolve(m.bucket().path()).resolve(f.name());
            try (DataFileReader<GenericRecord> r = new DataFileReader<>(file.toFile(), new GenericDatumReader<>())) {
                r.forEach(record -> assertThat(inBucket.add(record.get("id").toString())).isTrue());
            }
        }
        assertThat(inBucket).isEqualTo(ids);
    }

    /** Reads every record of an Avro file; a cut-short file fails here. */
    private static long wholeAvroRecords(Path file) throws Exception {
        long n = 0;
        try (DataFileReader<GenericRecord> r = new DataFileReader<>(file.toFile(), new GenericDatumReader<>())) {
            for (GenericRecord ignored : r) {
                n++;
            }
        }
        return n;
    }

    private static List<String> names(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}
