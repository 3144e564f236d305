package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hourglass.client.EventLogger;
import io.hourglass.core.Hours;
import io.hourglass.core.Json;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.ClosedForm;
import io.hourglass.core.control.Finalized;
import io.hourglass.core.control.Seal;
import io.hourglass.core.kafka.KafkaSettings;
import io.hourglass.core.kafka.Topics;
import io.hourglass.core.registry.EventType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Once a bucket closes, its seal and finalized partitions are written again without their hosts, and Kafka compacts
 * the decisions topics to that closed form, so that what every component reads at start no longer grows with the
 * hosts. Against a real broker, with the segment time cut from an hour to a second so that the cleaner acts at once;
 * then Hourglass starts again on the compacted topics, and a late event of the closed hour goes on to the open bucket.
 */
class DecisionCompactionIT {
    private static final Instant T0 = Instant.parse("2026-03-01T10:50:00Z");
    private static final Duration GRACE = Duration.ofSeconds(10);
    private static final String TYPE = "PlaybackStarted";
    private static final List<String> COMPACTED = List.of(Topics.SEALS, Topics.FINALIZED);

    @Test
    void closedDecisionsCompactToTheirClosedFormAndAStartGoesOnFromThem(@TempDir Path dir) throws Exception {
        BucketId ten = new BucketId(TYPE, Hours.hourOf(T0));
        String first;
        byte[] tenManifest;
        try (TestBed bed = TestBed.start(dir, T0, true, UnaryOperator.identity(), GRACE)) {
            KafkaSettings kafka = KafkaSettings.singleNode(bed.hourglass.bootstrap());
            EventLogger live = bed.logger("host-a");
            bed.awaitAgents(Set.of("host-a"));
            first = bed.log(live, TYPE);
            bed.advanceTo(Hours.end(ten.hour()).plus(GRACE).plusSeconds(1));
            List<String> types = bed.hourglass.registry().all().stream().map(EventType::name).toList();
            types.forEach(t -> bed.awaitClosed(new BucketId(t, ten.hour())));
            tenManifest = Files.readAllBytes(bed.bucketDir(ten).resolve("_SUCCESS"));
            // Every type's seal and each of its partitions' finalized record, in full and then closed.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (String topic : COMPACTED) {
                    Map<String, List<ConsumerRecord<String, byte[]>>> byKey = byKey(kafka, topic);
                    assertThat(byKey.keySet().stream().map(k -> BucketId.ofKey(k).orElseThrow().type()).distinct())
                            .as(topic).containsExactlyInAnyOrderElementsOf(types);
                    assertThat(byKey.values()).as(topic).allSatisfy(records -> {
                        assertThat(records).hasSize(2);
                        assertThat(ClosedForm.isClosedForm(records.get(0).headers())).isFalse();
                        assertThat(ClosedForm.isClosedForm(records.get(1).headers())).isTrue();
                    });
                }
            });
            Seal tenSeal = Json.fromBytes(byKey(kafka, Topics.SEALS).get(ten.key()).get(0).value(), Seal.class);
            assertThat(tenSeal.expectedHosts()).contains("host-a");
            long before = valueBytes(kafka);

            compactNow(kafka);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                for (String topic : COMPACTED) {
                    assertThat(byKey(kafka, topic).values()).as(topic).allSatisfy(records -> {
                        assertThat(records).as("only the closed form is kept").hasSize(1);
                        assertThat(ClosedForm.isClosedForm(records.get(0).headers())).isTrue();
                    });
                }
            });
            Seal closed = Json.fromBytes(byKey(kafka, Topics.SEALS).get(ten.key()).get(0).value(), Seal.class);
            assertThat(closed).isEqualTo(tenSeal.withoutHosts());
            assertThat(byKey(kafka, Topics.FINALIZED).values()).allSatisfy(records -> assertThat(
                    Json.fromBytes(records.get(0).value(), Finalized.class).hosts()).isEmpty());
            assertThat(valueBytes(kafka)).isLessThan(before);
        }

        // Hourglass again on the same Kafka, an hour on: the closed hour stays closed, and a host that brings an
        // event of it now has that event delivered late, in the open bucket of its arrival.
        Instant eleven = Hours.end(ten.hour());
        try (TestBed bed = TestBed.start(dir, eleven.plusSeconds(600), true, UnaryOperator.identity(), GRACE)) {
            String late;
            try (EventLogger returning = new EventLogger(dir.resolve("hosts").resolve("host-late"),
                    Clock.fixed(ten.hour().plus(Duration.ofMinutes(30)), ZoneOffset.UTC), false)) {
                late = bed.log(returning, TYPE);
            }
            bed.awaitAgents(Set.of("host-a", "host-late"));
            bed.advanceTo(Hours.end(eleven).plus(GRACE).plusSeconds(1));
            BucketId arrival = new BucketId(TYPE, eleven);
            bed.awaitClosed(arrival);
            Map<String, GenericRecord> records = bed.records(arrival);
            assertThat(records).containsOnlyKeys(late);
            assertThat(records.get(late).get("late")).isEqualTo(true);
            assertThat(bed.records(ten).keySet()).containsExactly(first);
            assertThat(Files.readAllBytes(bed.bucketDir(ten).resolve("_SUCCESS"))).isEqualTo(tenManifest);
            List<ConsumerRecord<String, byte[]>> tenSeals = byKey(KafkaSettings.singleNode(bed.hourglass.bootstrap()),
                    Topics.SEALS).get(ten.key());
            assertThat(tenSeals).as("not sealed again").hasSize(1);
            assertThat(ClosedForm.isClosedForm(tenSeals.get(0).headers())).isTrue();
        }
    }

    /** Rolls the segments of the decisions topics now, and lets the cleaner compact them at once. */
    private static void compactNow(KafkaSettings kafka) throws Exception {
        try (Admin admin = Admin.create(kafka.admin("test"))) {
            Map<ConfigResource, Collection<AlterConfigOp>> changes = COMPACTED.stream().collect(Collectors.toMap(
                    t -> new ConfigResource(ConfigResource.Type.TOPIC, t), t -> List.of(
                            set(TopicConfig.SEGMENT_MS_CONFIG, "1000"),
                            set(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.01"))));
            admin.incrementalAlterConfigs(changes).all().get(30, TimeUnit.SECONDS);
        }
        // Kafka rolls a segment when a record comes a segment's time after its first one: a tombstone of a key of
        // its own, which every reader skips, so that every decision above is in segments the cleaner may compact.
        Thread.sleep(1500);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producer("test-roller"))) {
            for (String topic : COMPACTED) {
                producer.send(new ProducerRecord<>(topic, "roller", null)).get();
            }
        }
    }

    private static AlterConfigOp set(String name, String value) {
        return new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET);
    }

    /** The topic's records with a value, by key, in their order. */
    private static Map<String, List<ConsumerRecord<String, byte[]>>> byKey(KafkaSettings kafka, String topic) {
        return EventCounter.records(kafka, topic).stream().filter(r -> r.value() != null)
                .collect(Collectors.groupingBy(ConsumerRecord::key));
    }

    private static long valueBytes(KafkaSettings kafka) {
        return COMPACTED.stream().flatMap(t -> EventCounter.records(kafka, t).stream())
                .filter(r -> r.value() != null).mapToLong(r -> r.value().length).sum();
    }
}
