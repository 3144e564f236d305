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
    /** By type: its topic and its open packs by partition, so an event costs no topic name and no map key. */
    private final Map<String, Topic> topics = new HashMap<>();
    private final AvroBuffer record = new AvroBuffer(1024);
    private final List<Sent> sent = new ArrayList<>();

    private record Topic(String type, String name, Open[] partitions) {
    }

    /** A pack that was sent: its type, how many events it holds, and its index in the batch's {@link Acks}. */
    record Sent(String type, int events, int ack) {
    }

    private record Open(EventPack pack, List<Integer> slots) {
    }

    /** Sends through {@code acks}; {@code ackOf[slot]} becomes the index there of the record holding that event. */
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
        Topic topic = topics.get(type);
        if (topic == null) {
            String name = Topics.events(type);
            try {
                // The producer's metadata, which it waits for as a send would.
                topic = new Topic(type, name, new Open[producer(name).partitionsFor(name).size()]);
            } catch (KafkaException e) {
                acks.fail(e);
                return;
            }
            topics.put(type, topic);
        }
        int partition = BuiltInPartitioner.partitionForKey(envelope.id().getBytes(StandardCharsets.UTF_8),
                topic.partitions().length);
        record.reset();
        LakeRecordEncoder.write(record, type, envelope, payload);
        Open o = topic.partitions()[partition];
        if (o == null) {
            o = new Open(new EventPack(4096), new ArrayList<>());
            topic.partitions()[partition] = o;
        } else if (o.pack().events() > 0 && o.pack().sizeBytes() + record.size() + 5 > MAX_PACK_BYTES) {
            send(topic, partition, o);
        }
        o.pack().add(record);
        o.slots().add(slot);
    }

    /** Sends every pack not sent yet. */
    void finish() {
        for (Topic t : topics.values()) {
            for (int p = 0; p < t.partitions().length; p++) {
                Open o = t.partitions()[p];
                if (o != null && o.pack().events() > 0) {
                    send(t, p, o);
                }
            }
        }
    }

    /** The packs sent so far, in the order they were sent. */
    List<Sent> sent() {
        return sent;
    }

    private void send(Topic topic, int partition, Open o) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(EventPack.HEADER, EventPack.headerValue());
        int index = acks.send(producer(topic.name()), new ProducerRecord<>(topic.name(), partition, (String) null,
                o.pack().toValue(), headers));
        sent.add(new Sent(topic.type(), o.pack().events(), index));
        for (int slot : o.slots()) {
            ackOf[slot] = index;
        }
        o.pack().clear();
        o.slots().clear();
    }

    private KafkaProducer<String, byte[]> producer(String topic) {
        return producers.forTopic(topic);
    }
}
