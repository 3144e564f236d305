package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hourglass.core.EnvelopeHeader;
import io.hourglass.core.Json;
import io.hourglass.core.avro.AvroBuffer;
import io.hourglass.core.avro.AvroBytes;
import io.hourglass.core.control.Announcement;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.ClosedForm;
import io.hourglass.core.control.Heartbeat;
import io.hourglass.core.control.HostSignal;
import io.hourglass.core.control.HostSignals;
import io.hourglass.core.control.Manifest;
import io.hourglass.core.control.Marker;
import io.hourglass.core.kafka.EventPack;
import io.hourglass.core.kafka.KafkaSettings;
import io.hourglass.core.kafka.Topics;
import io.hourglass.core.lake.LakeRecordEncoder;
import io.hourglass.core.registry.PayloadConverter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A type logged by tens of thousands of hosts in an hour, as a service on a whole fleet logs it: the records that
 * name every host (a partition's finalized tally, the seal's expected hosts, the bucket's announcement) are megabytes
 * of JSON, more than a Kafka record may be uncompressed, and the bucket must still close.
 */
class ManyHostsIT {
    private static final Instant HOUR = Instant.parse("2026-03-01T10:00:00Z");
    private static final String TYPE = "SearchViewResponse";
    private static final int HOSTS = 60_000;

    @Test
    void anHourOfTensOfThousandsOfHostsCloses(@TempDir Path dir) throws Exception {
        try (TestBed bed = TestBed.start(dir, HOUR.plusSeconds(600), false)) {
            KafkaSettings kafka = KafkaSettings.singleNode(bed.hourglass.bootstrap());
            Schema schema = bed.hourglass.registry().find(TYPE).orElseThrow().schema(1).orElseThrow();
            byte[] payload = AvroBytes.of(schema, PayloadConverter.toRecord(Json.MAPPER.readTree(
                    "{\"user_id\":\"u1\",\"query\":\"jazz\",\"results\":3,\"latency_ms\":12}"), schema));
            List<String> hosts = new ArrayList<>();
            for (int i = 0; i < HOSTS; i++) {
                // As pods are named: little that compresses.
                hosts.add("search-" + UUID.randomUUID());
            }
            String topic = Topics.events(TYPE);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producer("many-hosts"))) {
                // One event from each host, all in partition 0 (where its id puts it), so that partition's tally
                // names every host; in packs, as a collector sends them.
                int partitions = producer.partitionsFor(topic).size();
                AvroBuffer record = new AvroBuffer(256);
                EventPack pack = new EventPack(256 * 1024);
                long end = -1;
                for (String host : hosts) {
                    String id;
                    do {
                        id = UUID.randomUUID().toString();
                    } while (BuiltInPartitioner.partitionForKey(id.getBytes(StandardCharsets.UTF_8), partitions) != 0);
                    record.reset();
                    LakeRecordEncoder.write(record, TYPE, new EnvelopeHeader(id, 1, null, HOUR.plusSeconds(60),
                            HOUR.plusSeconds(61), host, false), payload);
                    pack.add(record);
                    if (pack.sizeBytes() > 200 * 1024 || host.equals(hosts.get(HOSTS - 1))) {
                        RecordHeaders plain = new RecordHeaders();
                        plain.add(EventPack.HEADER, EventPack.headerValue(EventPack.PLAIN));
                        end = producer.send(new ProducerRecord<>(topic, 0, (String) null, pack.toValue(), plain)).get()
                                .offset();
                        pack.clear();
                    }
                }
                Map<Integer, Long> ends = Map.of(0, end);
                // Each host was alive in the hour and has marked it: one event, below those offsets.
                List<Future<RecordMetadata>> sent = new ArrayList<>();
                for (String host : hosts) {
                    for (HostSignal s : List.of(new Heartbeat(host, HOUR.plusSeconds(30), HOUR),
                            new Marker(host, HOUR, Map.of(TYPE, 1L), Map.of(topic, ends), 0, false,
                                    HOUR.plusSeconds(3700)))) {
                        sent.add(producer.send(new ProducerRecord<>(Topics.MARKERS, HostSignals.key(s),
                                HostSignals.toBytes(s))));
                    }
                }
                for (Future<RecordMetadata> f : sent) {
                    f.get();
                }
            }
            bed.advanceTo(HOUR.plus(Duration.ofMinutes(70)));

            BucketId bucket = new BucketId(TYPE, HOUR);
            Manifest manifest = bed.awaitClosed(bucket);
            assertThat(manifest.complete()).isTrue();
            assertThat(manifest.events()).isEqualTo(HOSTS);
            assertThat(manifest.hosts()).hasSize(HOSTS).allSatisfy((h, n) -> assertThat(n).isEqualTo(1L));
            Set<String> expected = new HashSet<>(manifest.expectedHosts());
            assertThat(hosts.stream().filter(h -> !expected.contains(h)).toList()).isEmpty();
            assertThat(Json.toBytes(manifest).length).isGreaterThan(1 << 20);
            // Announced on Kafka with its figures; its host lists are in the manifest.
            await().atMost(Duration.ofSeconds(30)).until(() -> !withKey(kafka, Topics.BUCKETS, bucket.key()).isEmpty());
            ConsumerRecord<String, byte[]> announced = withKey(kafka, Topics.BUCKETS, bucket.key()).get(0);
            Announcement a = Json.fromBytes(announced.value(), Announcement.class);
            assertThat(List.of(a.events(), a.hostCount(), a.expectedHostCount(), a.missingHostCount()))
                    .containsExactly(manifest.events(), manifest.hosts().size(), manifest.expectedHosts().size(),
                            manifest.missingHosts().size());
            assertThat(a.manifest()).isEqualTo(bucket.successPath());
            assertThat(announced.value().length).isLessThan(SMALL);
            // The seal and partition 0's finalized tally, which name every host, are written again in their closed
            // form, which Kafka compacts them to.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (var key : Map.of(Topics.SEALS, bucket.key(), Topics.FINALIZED, bucket.key() + "|0").entrySet()) {
                    List<ConsumerRecord<String, byte[]>> records = withKey(kafka, key.getKey(), key.getValue());
                    assertThat(records).as(key.getKey()).hasSize(2);
                    assertThat(ClosedForm.isClosedForm(records.get(0).headers())).isFalse();
                    assertThat(records.get(0).value().length).as("in full").isGreaterThan(1 << 20);
                    assertThat(ClosedForm.isClosedForm(records.get(1).headers())).isTrue();
                    assertThat(records.get(1).value().length).as("closed").isLessThan(SMALL);
                }
            });
        }
    }

    private static final int SMALL = 4096;

    private static List<ConsumerRecord<String, byte[]>> withKey(KafkaSettings kafka, String topic, String key) {
        return EventCounter.records(kafka, topic).stream().filter(r -> key.equals(r.key())).toList();
    }
}
