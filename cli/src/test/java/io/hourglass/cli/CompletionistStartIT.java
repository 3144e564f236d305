package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hourglass.cli.kafka.KafkaNode;
import io.hourglass.completionist.Completionist;
import io.hourglass.completionist.CompletionistConfig;
import io.hourglass.core.Hours;
import io.hourglass.core.Json;
import io.hourglass.core.control.Announcement;
import io.hourglass.core.control.Heartbeat;
import io.hourglass.core.control.HostSignal;
import io.hourglass.core.control.HostSignals;
import io.hourglass.core.control.Manifest;
import io.hourglass.core.control.Marker;
import io.hourglass.core.kafka.KafkaSettings;
import io.hourglass.core.kafka.TopicAdmin;
import io.hourglass.core.kafka.Topics;
import io.hourglass.core.lake.LocalLakeStore;
import io.hourglass.core.registry.EventType;
import io.hourglass.core.registry.Registry;
import io.hourglass.core.registry.RegistryLoader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A completionist reads the control topics from their start before its first tick: a week of markers by Kafka's
 * default retention. It must not hold them all meanwhile, only what a tick would keep, about a day behind the oldest
 * open bucket, and it skips unread the markers of hours whose every bucket is closed. Against a real broker, with a
 * week of a few hosts' heartbeats and markers and every bucket of the week closed but the last hour's.
 */
class CompletionistStartIT {
    private static final Instant NOW = Instant.parse("2026-03-08T10:10:00Z");
    private static final int HOURS = 7 * 24;
    private static final int HOSTS = 5;

    @Test
    void aStartReadingAWeekOfMarkersHoldsNoMoreThanAboutTwoDaysOfThem(@TempDir Path dir) throws Exception {
        KafkaNode node = KafkaNode.single(dir.resolve("kafka"), 0);
        KafkaNode.Server server = node.server();
        server.start();
        try {
            KafkaSettings kafka = KafkaSettings.singleNode(node.bootstrap());
            Registry registry = RegistryLoader.load(TestBed.REGISTRY);
            TopicAdmin.ensureTopics(kafka, registry);
            Instant first = Hours.hourOf(NOW).minus(Duration.ofHours(HOURS));
            Instant open = first.plus(Duration.ofHours(HOURS - 1));
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producer("test"))) {
                for (int h = 0; h < HOURS; h++) {
                    Instant hour = first.plus(Duration.ofHours(h));
                    for (int i = 0; i < HOSTS; i++) {
                        String host = "web-" + i;
                        for (HostSignal s : List.of(new Heartbeat(host, hour.plusSeconds(3590), hour),
                                new Marker(host, hour, Map.of(), Map.of(), 0, false, hour.plusSeconds(3700)))) {
                            producer.send(new ProducerRecord<>(Topics.MARKERS, HostSignals.key(s),
                                    HostSignals.toBytes(s)));
                        }
                    }
                    if (h == 1) {
                        // Garbage under a marker's key: parsed, it would be logged and skipped as unreadable.
                        producer.send(new ProducerRecord<>(Topics.MARKERS,
                                "marker/web-0/" + hour + "/" + java.util.UUID.randomUUID(), new byte[] {'{', 1}));
                    }
                    if (hour.isBefore(open)) {
                        for (EventType t : registry.all()) {
                            Manifest m = new Manifest(t.name(), hour, hour, hour, 0, true, 0, 0, 0, Map.of(),
                                    List.of(), List.of(), List.of(), Map.of());
                            producer.send(new ProducerRecord<>(Topics.BUCKETS, m.bucket().key(),
                                    Json.toBytes(Announcement.of(m))));
                        }
                    }
                }
                producer.flush();
            }

            SimpleMeterRegistry metrics = new SimpleMeterRegistry();
            // Ticks an hour apart: only the first one runs, so what is held after it is what the reading left.
            Completionist completionist = new Completionist(new CompletionistConfig(Duration.ofHours(1),
                    Duration.ofHours(1), Duration.ofHours(1)), kafka, () -> registry,
                    new LocalLakeStore(dir.resolve("data")), Clock.fixed(NOW, ZoneOffset.UTC), metrics);
            AtomicInteger mostHeld = new AtomicInteger();
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    mostHeld.accumulateAndGet((int) metrics.get("hourglass_completionist_hours_held").gauge().value(),
                            Math::max);
                    Thread.onSpinWait();
                }
            });
            sampler.start();
            try {
                completionist.start();
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        metrics.get("hourglass_completionist_tick_seconds").timer().count() >= 1);
            } finally {
                sampling.set(false);
                sampler.join();
            }
            int heldNow = (int) metrics.get("hourglass_completionist_hours_held").gauge().value();
            completionist.stop();

            assertThat(mostHeld.get()).as("hours held at most while reading %d hours of markers", HOURS)
                    .isBetween(25, 24 + 24 + 2);
            assertThat(heldNow).as("a day behind the open hour, and the open hour").isBetween(25, 26);
            assertThat(metrics.get("hourglass_completionist_markers_skipped_total").counter().count())
                    .as("every marker of the closed hours, the garbage one too, and none of the open hour")
                    .isEqualTo(HOSTS * (HOURS - 1) + 1);
        } finally {
            server.stop();
        }
    }
}
