package io.hourglass.collector;

import io.hourglass.core.kafka.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The producers of events, each owning a shard of the event topics. A Kafka producer's sender thread looks at every
 * partition it holds each time a new batch starts, which is O(partitions²) per linger period: with hundreds of
 * types one producer spends its time scanning. Shards keep each scan short; records of one partition always go
 * through the same producer, so its order and idempotence are kept.
 */
final class EventProducers {
    private final List<KafkaProducer<String, byte[]>> shards;

    EventProducers(KafkaSettings kafka, String clientId, ProducerSizing sizing) {
        List<KafkaProducer<String, byte[]>> s = new ArrayList<>(sizing.producers());
        for (int i = 0; i < sizing.producers(); i++) {
            s.add(new KafkaProducer<>(kafka.bulkProducer(clientId + "-" + i, sizing.producers(), sizing.lingerMs())));
        }
        this.shards = List.copyOf(s);
    }

    KafkaProducer<String, byte[]> forTopic(String topic) {
        return shards.get(Math.floorMod(topic.hashCode(), shards.size()));
    }

    void close(Duration timeout) {
        shards.parallelStream().forEach(p -> p.close(timeout));
    }
}
