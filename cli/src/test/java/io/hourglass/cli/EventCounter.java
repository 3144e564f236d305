package io.hourglass.cli;

import io.hourglass.core.EnvelopeHeader;
import io.hourglass.core.control.ClosedForm;
import io.hourglass.core.kafka.EventPack;
import io.hourglass.core.kafka.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * Counts the events in a set of topics, duplicates included, by reading them: a record of a pack counts as its
 * events, any other record as one. Each count reads on from where the last one stopped.
 */
final class EventCounter implements AutoCloseable {
    private static final Duration CATCH_UP = Duration.ofSeconds(30);
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<TopicPartition> partitions = new ArrayList<>();
    private long events;

    EventCounter(KafkaSettings kafka, Collection<String> topics) {
        this.consumer = new KafkaConsumer<>(kafka.consumer("hourglass-event-counter", null));
        for (String t : topics) {
            consumer.partitionsFor(t, CATCH_UP)
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** The events in the topics up to their ends as of this call. */
    long count() {
        readToEnd(r -> events += events(r));
        return events;
    }

    /** Reads on from where the last read stopped to the topics' ends as of this call. */
    private void readToEnd(Consumer<ConsumerRecord<String, byte[]>> each) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, CATCH_UP);
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read the topics to their ends within " + CATCH_UP);
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                each.accept(r);
            }
        }
    }

    /** How many events a record of {@code events.<type>} holds. */
    static int events(ConsumerRecord<String, byte[]> r) {
        Header h = r.headers().lastHeader(EnvelopeHeader.KAFKA_HEADER);
        if (h == null || !EventPack.isPack(h.value()) || r.value() == null) {
            return 1;
        }
        EventPack.Contents pack = EventPack.read(h.value(), r.value());
        return pack.records().size() + (pack.damage() == null ? 0 : 1);
    }

    /**
     * How many records of a decisions topic, from its start to its end, have this key: the decisions made, not
     * counting the {@link ClosedForm}s written once their bucket closed.
     */
    static long decisionsWithKey(KafkaSettings kafka, String topic, String key) {
        long[] count = {0};
        try (EventCounter c = new EventCounter(kafka, List.of(topic))) {
            c.readToEnd(r -> count[0] += key.equals(r.key()) && !ClosedForm.isClosedForm(r.headers()) ? 1 : 0);
        }
        return count[0];
    }

    /** Every record of the topic, up to its end as of this call. */
    static List<ConsumerRecord<String, byte[]>> records(KafkaSettings kafka, String topic) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (EventCounter c = new EventCounter(kafka, List.of(topic))) {
            c.readToEnd(records::add);
        }
        return records;
    }

    /** One count, for callers that ask once. */
    static long count(KafkaSettings kafka, Collection<String> topics) {
        try (EventCounter c = new EventCounter(kafka, topics)) {
            return c.count();
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
