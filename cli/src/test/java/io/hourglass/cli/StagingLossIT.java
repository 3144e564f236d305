package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hourglass.agent.HostAgent;
import io.hourglass.client.EventLogger;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.Manifest;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer's local staging is scratch: if it vanishes (a /tmp cleaner, a lost disk), nothing is lost. */
class StagingLossIT {
    private static final String TYPE = "UserLogin";
    private static final Instant H10 = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void aWriterWhoseSpillFilesAreDeletedRebuildsStagingFromKafkaAndLosesNothing(@TempDir Path dir)
            throws Exception {
        try (TestBed bed = TestBed.start(dir, H10.plus(Duration.ofMinutes(5)), false)) {
            EventLogger logger = bed.logger("host-s");
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                ids.add(bed.log(logger, TYPE));
            }
            HostAgent agent = bed.agent("host-s", List.of(bed.collector()), 50);
            agent.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> bed.kafkaEvents("events." + TYPE) == 200);
            Path staging = dir.resolve("writer-staging");
            await().atMost(Duration.ofSeconds(30)).until(() -> spillFiles(staging) > 0);

            deleteTree(staging);
            for (int i = 0; i < 100; i++) {
                ids.add(bed.log(logger, TYPE));  // staged after the loss: new spill files, and appends to lost ones
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> bed.kafkaEvents("events." + TYPE) == 300);

            bed.advanceTo(Instant.parse("2026-03-01T11:03:00Z"));
            URI collector = bed.collector();
            await().atMost(Duration.ofSeconds(30)).until(() -> spillFailures(collector) > 0);
            assertThat(TestBed.get(collector.resolve("/readyz")).statusCode()).isEqualTo(503);

            bed.advanceTo(Instant.parse("2026-03-01T11:04:00Z"));  // past the writer's retry interval
            BucketId bucket = new BucketId(TYPE, H10);
            Manifest closed = bed.awaitClosed(bucket);
            agent.stop();
            assertThat(closed.complete()).isTrue();
            assertThat(closed.events()).isEqualTo(ids.size());
            assertThat(closed.files()).as("UserLogin declares one partition in the registry").hasSize(1);
            assertThat(bed.records(bucket).keySet()).isEqualTo(ids);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> TestBed.get(collector.resolve("/readyz")).statusCode() == 200);
        }
    }

    private static long spillFiles(Path staging) throws Exception {
        if (!Files.exists(staging)) {
            return 0;
        }
        try (Stream<Path> all = Files.walk(staging)) {
            return all.filter(p -> p.toString().endsWith(".spill")).count();
        }
    }

    private static double spillFailures(URI collector) throws Exception {
        return TestBed.metric(collector, "hourglass_writer_spill_failures_total");
    }


    private static void deleteTree(Path p) throws Exception {
        try (Stream<Path> all = Files.walk(p)) {
            for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
