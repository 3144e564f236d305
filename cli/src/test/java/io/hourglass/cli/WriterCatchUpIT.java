package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hourglass.agent.HostAgent;
import io.hourglass.client.EventLogger;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.Manifest;
import io.hourglass.core.kafka.KafkaSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.DoubleStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer that starts behind a backlog (after a restart or an outage) reads it in fetches of a bounded size, not in
 * Kafka's default of up to 1 MiB for every partition at once, and closes every event of it.
 */
class WriterCatchUpIT {
    private static final String TYPE = "PlaybackStarted";
    private static final Instant H10 = Instant.parse("2026-03-01T10:00:00Z");
    private static final int EVENTS = 80_000;

    @Test
    void aWriterStartedBehindABacklogFetchesAtMostTheBoundAndClosesEveryEvent(@TempDir Path dir) throws Exception {
        try (TestBed bed = TestBed.start(dir, H10.plus(Duration.ofMinutes(20)), false, UnaryOperator.identity(),
                Duration.ofMinutes(2), c -> c.withoutWriters())) {
            EventLogger logger = bed.logger("host-b");
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < EVENTS; i++) {
                ids.add(bed.log(logger, TYPE));
            }
            HostAgent agent = bed.agent("host-b", List.of(bed.collector()), 5000);
            agent.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> bed.kafkaEvents("events." + TYPE) == EVENTS);
            long stored = logBytes(dir.resolve("kafka"), "events." + TYPE);
            assertThat(stored)
                    .as("a backlog over three partitions that Kafka's default would fetch 1 MiB of each at once")
                    .isGreaterThan(3L * KafkaSettings.FETCH_MAX_BYTES);

            bed.hourglass.startWriters();
            bed.advanceTo(Instant.parse("2026-03-01T11:03:00Z"));
            Manifest closed = bed.awaitClosed(new BucketId(TYPE, H10));
            agent.stop();
            assertThat(closed.complete()).isTrue();
            assertThat(closed.events()).isEqualTo(ids.size());

            // The consumer counts a fetch's bytes as its records' size, after Kafka's decompression; the bound is on
            // what the broker sends, as stored. Packs come compressed, in batches Kafka stores as they are sent, so
            // the two are the same but for the batches' headers.
            URI standalone = bed.collector();
            double expansion = sum(standalone, "kafka_consumer_fetch_manager_bytes_consumed_total") / stored;
            assertThat(expansion).as("the records' size over their bytes in the log").isBetween(0.95, 1.0);
            double largestFetch = largest(standalone, "kafka_consumer_fetch_manager_fetch_size_max");
            assertThat(largestFetch).as("the records' size of the largest fetch of the writers' consumers")
                    .isPositive().isLessThanOrEqualTo(KafkaSettings.FETCH_MAX_BYTES * 1.25);
        }
    }

    /** The bytes of a topic's log segments in the embedded broker's folder. */
    private static long logBytes(Path kafkaDir, String topic) throws IOException {
        try (Stream<Path> files = Files.walk(kafkaDir)) {
            return files.filter(f -> f.getParent().getFileName().toString().startsWith(topic + "-")
                            && f.getFileName().toString().endsWith(".log"))
                    .mapToLong(f -> {
                        try {
                            return Files.size(f);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }).sum();
        }
    }

    /** The largest value among a metric's per-consumer series on a component's {@code /metrics}; NaN if none. */
    private static double largest(URI component, String name) throws Exception {
        return perConsumer(component, name).max().orElse(Double.NaN);
    }

    /** The sum of a metric's series per consumer (the consumers' own, not their topics', which it also has). */
    private static double sum(URI component, String name) throws Exception {
        return perConsumer(component, name).sum();
    }

    private static DoubleStream perConsumer(URI component, String name) throws Exception {
        return TestBed.series(component, name, line -> !line.contains("topic=")).filter(v -> !Double.isNaN(v));
    }
}
