package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hourglass.cli.kafka.KafkaNode;
import io.hourglass.completionist.Completionist;
import io.hourglass.completionist.CompletionistConfig;
import io.hourglass.core.Hours;
import io.hourglass.core.Json;
import io.hourglass.core.control.Announcement;
import io.hourglass.core.control.ClosedForm;
import io.hourglass.core.control.Finalized;
import io.hourglass.core.control.Heartbeat;
import io.hourglass.core.control.HostSignal;
import io.hourglass.core.control.HostSignals;
import io.hourglass.core.control.Manifest;
import io.hourglass.core.control.Marker;
import io.hourglass.core.control.Seal;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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

    @TempDir
    Path dir;
    private KafkaNode.Server server;
    private KafkaSettings kafka;
    private Registry registry;

    @BeforeEach
    void startBroker() throws Exception {
        KafkaNode node = KafkaNode.single(dir.resolve("kafka"), 0);
        server = node.server();
        server.start();
        kafka = KafkaSettings.singleNode(node.bootstrap());
        registry = RegistryLoader.load(TestBed.REGISTRY);
        TopicAdmin.ensureTopics(kafka, registry);
    }

    @AfterEach
    void stopBroker() {
        server.stop();
    }

    @Test
    void aStartReadingAWeekOfMarkersHoldsNoMoreThanAboutTwoDaysOfThem() throws Exception {
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
        Completionist completionist = completionist(metrics);
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
    }

    @Test
    void aStartWritesTheClosedFormsThatAStopBeforeThemLeftUnwritten() throws Exception {
        Instant hour = Hours.hourOf(NOW).minus(Duration.ofHours(3));
        String type = registry.all().iterator().next().name();
        // Closed, its closed forms never written: the completionist stopped right after the announcement.
        Decisions unclosed = new Decisions(type, hour);
        // Closed, with its closed forms; and open, one partition finalized, so that the first tick cannot close it.
        Decisions closed = new Decisions(type, hour.plus(Duration.ofHours(1)));
        Decisions sealedOnly = new Decisions(type, hour.plus(Duration.ofHours(2)));
        Decisions open = new Decisions(sealedOnly.seal(), sealedOnly.parts().subList(0, 1));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producer("test"))) {
            for (Decisions d : List.of(unclosed, closed, open)) {
                producer.send(new ProducerRecord<>(Topics.SEALS, d.seal().bucket().key(), Json.toBytes(d.seal())));
                for (Finalized f : d.parts()) {
                    producer.send(new ProducerRecord<>(Topics.FINALIZED, null, f.key(), Json.toBytes(f), f.headers()));
                }
            }
            for (Decisions d : List.of(unclosed, closed)) {
                producer.send(new ProducerRecord<>(Topics.BUCKETS, d.seal().bucket().key(), new byte[] {'{', 1}));
            }
            producer.send(ClosedForm.of(closed.seal()));
            closed.parts().forEach(f -> producer.send(ClosedForm.of(f)));
            producer.flush();
        }

        Completionist completionist = completionist(new SimpleMeterRegistry());
        completionist.start();
        completionist.stop();

        Map<String, List<ConsumerRecord<String, byte[]>>> seals = byKey(Topics.SEALS);
        Map<String, List<ConsumerRecord<String, byte[]>>> finalized = byKey(Topics.FINALIZED);
        List<ConsumerRecord<String, byte[]>> unclosedSeal = seals.get(unclosed.seal().bucket().key());
        assertThat(unclosedSeal).as("the full seal, then its closed form").hasSize(2);
        ConsumerRecord<String, byte[]> sealNow = unclosedSeal.get(1);
        assertThat(ClosedForm.isClosedForm(sealNow.headers())).isTrue();
        assertThat(Json.fromBytes(sealNow.value(), Seal.class)).isEqualTo(unclosed.seal().withoutHosts());
        for (Finalized f : unclosed.parts()) {
            List<ConsumerRecord<String, byte[]>> records = finalized.get(f.key());
            assertThat(records).as(f.key()).hasSize(2);
            ConsumerRecord<String, byte[]> now = records.get(1);
            assertThat(ClosedForm.isClosedForm(now.headers())).isTrue();
            assertThat(Json.fromBytes(now.value(), Finalized.class)).isEqualTo(f.withoutHosts());
            assertThat(Finalized.atOf(now.headers())).contains(f.finalizedAt());
        }
        for (Decisions d : List.of(closed, open)) {
            int expected = d == closed ? 2 : 1;
            assertThat(seals.get(d.seal().bucket().key())).as("nothing more for %s", d.seal().bucket())
                    .hasSize(expected);
            d.parts().forEach(f -> assertThat(finalized.get(f.key())).as(f.key()).hasSize(expected));
        }
    }

    /** A bucket's seal and its two finalized partitions, naming their hosts. */
    private record Decisions(Seal seal, List<Finalized> parts) {
        Decisions(String type, Instant hour) {
            this(new Seal(type, hour, Map.of(0, 10L, 1, 12L), true, List.of("web-0", "web-1"), List.of(),
                    hour.plusSeconds(3700)), List.of(finalized(type, hour, 0), finalized(type, hour, 1)));
        }

        private static Finalized finalized(String type, Instant hour, int partition) {
            return new Finalized(type, hour, partition, "part-" + partition + ".avro", 7, 1, 0,
                    Map.of("web-0", 3L, "web-1", 4L), hour.plusSeconds(3710 + partition));
        }
    }

    private Map<String, List<ConsumerRecord<String, byte[]>>> byKey(String topic) {
        Map<String, List<ConsumerRecord<String, byte[]>>> byKey = new HashMap<>();
        EventCounter.records(kafka, topic).forEach(r -> byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r));
        return byKey;
    }

    /** Ticks an hour apart: only the first one runs, and seals nothing within the hour's start-up grace. */
    private Completionist completionist(SimpleMeterRegistry metrics) {
        return new Completionist(new CompletionistConfig(Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(1)),
                kafka, () -> registry, new LocalLakeStore(dir.resolve("data")), Clock.fixed(NOW, ZoneOffset.UTC),
                metrics);
    }
}
