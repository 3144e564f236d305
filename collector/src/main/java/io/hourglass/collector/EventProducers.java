package io.hourglass.collector;

import io.hourglass.core.kafka.KafkaSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
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
    /** Each producer's own metrics (sends, errors, batch sizes, latency) on /metrics, as kafka_producer_*. */
    private final List<KafkaClientMetrics> shardMetrics;

    EventProducers(KafkaSettings kafka, String clientId, ProducerSizing sizing, MeterRegistry metrics) {
        List<KafkaProducer<String, byte[]>> s = new ArrayList<>(sizing.producers());
        List<KafkaClientMetrics> m = new ArrayList<>(sizing.producers());
        try {
            for (int i = 0; i < sizing.producers(); i++) {
                KafkaProducer<String, byte[]> p = new KafkaProducer<>(kafka.bulkProducer(clientId + "-" + i,
                        sizing.producers(), sizing.lingerMs()));
                s.add(p);
                KafkaClientMetrics pm = new KafkaClientMetrics(p, Tags.of("shard", Integer.toString(i)));
                m.add(pm);  // before binding, so that a bind that fails halfway is closed below too
                pm.bindTo(metrics);
            }
        } catch (RuntimeException e) {
            // The shards made so far hold threads and sockets: a collector that cannot start must not keep them.
            m.forEach(KafkaClientMetrics::close);
            s.forEach(p -> p.close(Duration.ZERO));
            throw e;
        }
        this.shards = List.copyOf(s);
        this.shardMetrics = List.copyOf(m);
    }

    KafkaProducer<String, byte[]> forTopic(String topic) {
        return shards.get(Math.floorMod(topic.hashCode(), shards.size()));
    }

    void close(Duration timeout) {
        shardMetrics.forEach(KafkaClientMetrics::close);
        shards.parallelStream().forEach(p -> p.close(timeout));
    }
}
