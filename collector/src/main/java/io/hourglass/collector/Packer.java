package io.hourglass.collector;

import io.hourglass.core.EnvelopeHeader;
import io.hourglass.core.avro.AvroBuffer;
import io.hourglass.core.kafka.EventPack;
import io.hourglass.core.kafka.Topics;
import io.hourglass.core.lake.LakeRecordEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Packs the valid events of one batch into {@link EventPack} records, one per partition of their topic (more when a
 * pack would pass {@link #MAX_PACK_BYTES}), and sends each through the batch's {@link Acks}. An event goes to the
 * partition that Kafka's own partitioner gives its id, as when the id was the record key. Not thread-safe: one per
 * batch.
 */
final class Packer {
    /** Well below Kafka's default limits on a record (1 MiB), so that a pack never needs broker settings. */
    static final int MAX_PACK_BYTES = 256 * 1024;

    private final EventProducers producers;
    private final Acks acks;
    private final int[] ackOf;
    private final Map<TopicPartition, Open> open = new HashMap<>();
    private final Map<String, Integer> partitions = new HashMap<>();
    private final AvroBuffer record = new AvroBuffer(1024);

    private record Open(EventPack pack, List<Integer> slots) {
    }

    /** Sends through {@code acks}; {@code ackOf[slot]} will be the index in it of the record holding event {@code slot}. */
    Packer(EventProducers producers, Acks acks, int[] ackOf) {
        this.producers = producers;
        this.acks = acks;
        this.ackOf = ackOf;
    }

    /** Adds the event in position {@code slot} of the batch: its envelope as stamped, its payload in Avro. */
    void add(int slot, String type, EnvelopeHeader envelope, byte[] payload) {
        if (acks.failed()) {
            return;  // the batch is answered 503 anyway; do not wait on Kafka for each of its events
        }
        String topic = Topics.events(type);
        int partition;
        try {
            partition = BuiltInPartitioner.partitionForKey(envelope.id().getBytes(StandardCharsets.UTF_8),
                    partitions(topic));
        } catch (KafkaException e) {
            acks.fail(e);
            return;
        }
        record.reset();
        LakeRecordEncoder.write(record, type, envelope, payload);
        TopicPartition tp = new TopicPartition(topic, partition);
        Open o = open.computeIfAbsent(tp, x -> new Open(new EventPack(64 * 1024), new ArrayList<>()));
        if (o.pack().events() > 0 && o.pack().sizeBytes() + record.size() + 5 > MAX_PACK_BYTES) {
            send(tp, o);
        }
        o.pack().add(record);
        o.slots().add(slot);
    }

    /** Sends every pack not sent yet. */
    void finish() {
        open.forEach((tp, o) -> {
            if (o.pack().events() > 0) {
                send(tp, o);
            }
        });
        open.clear();
    }

    private void send(TopicPartition tp, Open o) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(EventPack.HEADER, EventPack.headerValue());
        int index = acks.send(producer(tp.topic()), new ProducerRecord<>(tp.topic(), tp.partition(),
                (String) null, o.pack().toValue(), headers));
        for (int slot : o.slots()) {
            ackOf[slot] = index;
        }
        o.pack().clear();
        o.slots().clear();
    }

    /** The topic's partitions, from the producer's metadata (which it waits for, as a send would). */
    private int partitions(String topic) {
        Integer n = partitions.get(topic);
        if (n == null) {
            n = producer(topic).partitionsFor(topic).size();
            partitions.put(topic, n);
        }
        return n;
    }

    private KafkaProducer<String, byte[]> producer(String topic) {
        return producers.forTopic(topic);
    }
}
