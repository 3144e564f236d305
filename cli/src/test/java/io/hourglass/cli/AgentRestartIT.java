package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hourglass.agent.AgentConfig;
import io.hourglass.agent.HostAgent;
import io.hourglass.client.EventLogger;
import io.hourglass.core.Json;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.Manifest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentRestartIT {
    private static final String TYPE = "PlaybackStarted";

    @Test
    void resendAfterLostCheckpointPutsDuplicatesInKafkaButNotInTheBucket(@TempDir Path dir) throws Exception {
        try (TestBed bed = TestBed.start(dir, Instant.parse("2026-03-01T10:10:00Z"), false)) {
            EventLogger logger = bed.logger("host-r");
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < 150; i++) {
                ids.add(bed.log(logger, TYPE));
            }
            // The first agent ships the hour's file as far as it is written, then stops; the host logs on. (Waiting
            // for part of a complete file raced: with two batches in flight an agent could ship all of it first.)
            HostAgent first = bed.agent("host-r", List.of(bed.collector()), 20);
            first.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> bed.kafkaEvents("events." + TYPE) >= 150);
            first.stop();
            long beforeRestart = bed.kafkaEvents("events." + TYPE);
            assertThat(beforeRestart).as("everything written so far, once").isEqualTo(150);
            for (int i = 0; i < 150; i++) {
                ids.add(bed.log(logger, TYPE));
            }

            Files.delete(bed.checkpoint("host-r"));  // the disk holding the checkpoint was lost
            HostAgent second = bed.agent("host-r", List.of(bed.collector()), 20);
            second.start();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> bed.kafkaEvents("events." + TYPE) >= 300 + beforeRestart);
            long inKafka = bed.kafkaEvents("events." + TYPE);
            assertThat(inKafka).as("the resend reached Kafka").isGreaterThan(300);

            bed.advanceTo(Instant.parse("2026-03-01T11:03:00Z"));
            BucketId bucket = new BucketId(TYPE, Instant.parse("2026-03-01T10:00:00Z"));
            Manifest m = bed.awaitClosed(bucket);
            second.stop();

            assertThat(bed.records(bucket).keySet()).isEqualTo(ids);
            assertThat(m.events()).isEqualTo(ids.size());
            assertThat(m.duplicatesDropped()).isEqualTo(inKafka - ids.size());
            assertThat(m.complete()).isTrue();
            assertThat(m.hosts()).containsEntry("host-r", (long) ids.size());
        }
    }

    @Test
    void underLoadTheCheckpointIsSavedWhenCaughtUpRatherThanAfterEveryBatch(@TempDir Path dir) throws Exception {
        try (TestBed bed = TestBed.start(dir, Instant.parse("2026-03-01T10:10:00Z"), false)) {
            Path log = logEvents(bed, "host-c", 250);
            SimpleMeterRegistry metrics = new SimpleMeterRegistry();
            HostAgent agent = bed.agent("host-c", List.of(bed.collector()), 100, metrics, Duration.ofHours(1));
            agent.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(bed.checkpoint("host-c"))
                    && Files.readString(bed.checkpoint("host-c")).contains("\"acked_bytes\":" + Files.size(log)));
            agent.stop();

            assertThat(metrics.counter("hourglass_agent_events_sent_total", "host", "host-c").count())
                    .isEqualTo(250);
            assertThat(metrics.counter("hourglass_agent_checkpoints_total", "host", "host-c").count())
                    .as("three batches, one save once caught up").isEqualTo(1);
        }
    }

    @Test
    void aCleanStopSavesWhatWasAcknowledgedSinceTheLastCheckpoint(@TempDir Path dir) throws Exception {
        try (TestBed bed = TestBed.start(dir, Instant.parse("2026-03-01T10:10:00Z"), false)) {
            Path log = logEvents(bed, "host-s", 10_000);  // one event a batch: far more than ship before the stop
            HostAgent agent = bed.agent("host-s", List.of(bed.collector()), 1, new SimpleMeterRegistry(),
                    Duration.ofHours(1));
            agent.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> bed.kafkaEvents("events." + TYPE) >= 20);
            agent.stop();
            long inKafka = bed.kafkaEvents("events." + TYPE);
            assertThat(inKafka).as("stopped mid-file").isLessThan(10_000);

            JsonNode saved = Json.MAPPER.readTree(bed.checkpoint("host-s").toFile()).get(log.getFileName().toString());
            byte[] logged = Files.readAllBytes(log);
            long linesAcked = new String(logged, 0, saved.get("acked_bytes").asInt(), StandardCharsets.UTF_8)
                    .lines().count();
            // The batches in flight when the agent stopped (one event each) may be in Kafka without their
            // acknowledgement.
            assertThat(linesAcked).isBetween(inKafka - AgentConfig.DEFAULT_MAX_IN_FLIGHT, inKafka);
        }
    }

    /** Logs {@code n} events into the host's log of the bed's hour, and returns that file. */
    private static Path logEvents(TestBed bed, String host, int n) {
        EventLogger logger = bed.logger(host);
        for (int i = 0; i < n; i++) {
            bed.log(logger, TYPE);
        }
        return bed.dataDir.resolve("hosts").resolve(host).resolve("2026-03-01T10.jsonl");
    }
}
