package io.hourglass.collector;

import io.hourglass.core.EnvelopeHeader;
import io.hourglass.core.avro.AvroBuffer;
import io.hourglass.core.kafka.EventPack;
import io.hourglass.core.kafka.Topics;
import io.hourglass.core.lake.LakeRecordEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Packs the valid events of one batch into compressed {@link EventPack} records, one per partition of their topic
 * (more when a pack would pass {@link #MAX_PACK_BYTES}), and sends each through the batch's {@link Acks}. An event goes
 * to the partition that Kafka's own partitioner gives its id, as when the id was the record key. Each event's lake
 * record is written once, into one buffer for the batch; a pack is compressed from there into a value of its exact
 * size. Not thread-safe: one per batch.
 */
final class Packer {
    /** Well below the event producers' request size (KafkaSettings.MAX_REQUEST_BYTES) and the broker's 1 MiB. */
    static final int MAX_PACK_BYTES = 256 * 1024;

    private final EventProducers producers;
    private final Acks acks;
    private final int[] ackOf;
    /** By type: its topic and its open packs by partition, so an event costs no topic name and no map key. */
    private final Map<String, Topic> topics = new HashMap<>();
    /** The lake records of the batch's events, one after another. */
    private final AvroBuffer records;
    private final EventPack.Compressor compressor;
    private final List<Sent> sent = new ArrayList<>();

    private record Topic(String type, String name, Open[] partitions) {
    }

    /** A pack that was sent: its type, how many events it holds, and its index in the batch's {@link Acks}. */
    record Sent(String type, int events, int ack) {
    }

    /** The events of a pack not sent yet: where their lake records are, and their positions in the batch. */
    private static final class Open {
        int[] offsets = new int[16];
        int[] lengths = new int[16];
        int[] slots = new int[16];
        int events;
        int packedBytes;

        void add(int offset, int length, int slot) {
            if (events == offsets.length) {
                offsets = Arrays.copyOf(offsets, events * 2);
                lengths = Arrays.copyOf(lengths, events * 2);
                slots = Arrays.copyOf(slots, events * 2);
            }
            offsets[events] = offset;
            lengths[events] = length;
            slots[events] = slot;
            events++;
            packedBytes += EventPack.packedSize(length);
        }
    }

    /**
     * Sends through {@code acks}; {@code ackOf[slot]} becomes the index there of the record holding that event.
     * The batch's lake records are written into {@code records}, which is reset first, and packed by
     * {@code compressor}.
     */
    Packer(EventProducers producers, Acks acks, int[] ackOf, AvroBuffer records, EventPack.Compressor compressor) {
        this.producers = producers;
        this.acks = acks;
        this.ackOf = ackOf;
        this.records = records;
        this.compressor = compressor;
        records.reset();
    }

    /** Adds the event in position {@code slot} of the batch: its envelope as stamped, its payload in Avro. */
    void add(int slot, String type, EnvelopeHeader envelope, AvroBuffer payload) {
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
        int offset = records.size();
        LakeRecordEncoder.write(records, type, envelope, payload);
        int length = records.size() - offset;
        Open o = topic.partitions()[partition];
        if (o == null) {
            o = new Open();
            topic.partitions()[partition] = o;
        } else if (o.events > 0 && o.packedBytes + EventPack.packedSize(length) > MAX_PACK_BYTES) {
            send(topic, partition, o);
        }
        o.add(offset, length, slot);
    }

    /** Sends every pack not sent yet. */
    void finish() {
        for (Topic t : topics.values()) {
            for (int p = 0; p < t.partitions().length; p++) {
                Open o = t.partitions()[p];
                if (o != null && o.events > 0) {
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
        headers.add(EventPack.HEADER, EventPack.headerValue(EventPack.COMPRESSED));
        byte[] value = compressor.value(records.asByteBuffer().array(), o.offsets, o.lengths, o.events,
                o.packedBytes);
        int index = acks.send(producer(topic.name()), new ProducerRecord<>(topic.name(), partition, (String) null,
                value, headers));
        sent.add(new Sent(topic.type(), o.events, index));
        for (int i = 0; i < o.events; i++) {
            ackOf[o.slots[i]] = index;
        }
        o.events = 0;
        o.packedBytes = 0;
    }

    private KafkaProducer<String, byte[]> producer(String topic) {
        return producers.forTopic(topic);
    }
}
