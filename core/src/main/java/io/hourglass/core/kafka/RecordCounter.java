package io.hourglass.core.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Counts the records in a set of topics, duplicates included: the sum of their partitions' end offsets. */
public final class RecordCounter implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<TopicPartition> partitions = new ArrayList<>();

    public RecordCounter(KafkaSettings kafka, Collection<String> topics) {
        this.consumer = new KafkaConsumer<>(kafka.consumer("hourglass-record-counter", null));
        for (String t : topics) {
            consumer.partitionsFor(t, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
    }

    public long count() {
        return consumer.endOffsets(partitions, Duration.ofSeconds(30)).values().stream()
                .mapToLong(Long::longValue).sum();
    }

    /** One count, for callers that ask once. */
    public static long count(KafkaSettings kafka, Collection<String> topics) {
        try (RecordCounter c = new RecordCounter(kafka, topics)) {
            return c.count();
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
