package io.hourglass.cli.bench;

import io.hourglass.collector.ProducerSizing;
import io.hourglass.core.kafka.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/** The baselines: a plain Kafka producer and consumer with the same events as Hourglass's. */
final class RawKafka {
    /** Before each timed phase: metadata, connections and the JIT are not timed. */
    static final Duration WARM_UP = Duration.ofSeconds(3);

    private final BenchKafka kafka;
    private final int eventSize;
    private final Settle settle;

    RawKafka(BenchKafka kafka, int eventSize, Settle settle) {
        this.kafka = kafka;
        this.eventSize = eventSize;
        this.settle = settle;
    }

    /**
     * What a raw produce phase made: its topics, the events Kafka acknowledged, their rate, the process's CPU seconds
     * per million of them (producer, broker, GC and JIT alike, as for Hourglass's figure), and how that CPU split: the
     * raw producer counts as the bench driver. The split tells a phase slowed by the JIT or GC from a slow machine.
     */
    record Produced(List<String> topics, long events, double eps, double cpuPerMillion,
                    Map<String, Double> cpuShares) {
    }

    /**
     * A plain producer (the collector's settings: acks=all, idempotent, snappy, its linger for as many partitions),
     * the same events, each keyed by its id, over {@code typeCount} new topics, as the collector spreads events, with
     * at most {@link InFlightLimit#BYTES} of them not yet acknowledged. The topics are deleted when it is done.
     */
    Produced produce(Duration phase, int typeCount) throws Exception {
        return produce(phase, typeCount, true);
    }

    /** An untimed produce phase in which the JIT compiles Kafka's paths: it need not wait for the JIT first. */
    void warmUp(Duration phase, int typeCount) throws Exception {
        produce(phase, typeCount, false);
    }

    private Produced produce(Duration phase, int typeCount, boolean timed) throws Exception {
        Produced produced = produceKept(phase, typeCount, timed);
        kafka.deleteTopics(produced.topics());
        return produced;
    }

    private Produced produceKept(Duration phase, int typeCount, boolean timed) throws Exception {
        List<String> topics = kafka.createTopics("bench.raw." + System.nanoTime() + ".", typeCount);
        BenchEvents gen = new BenchEvents(typeCount, eventSize);
        // Made before the clock starts, as Hourglass's events are logged before its clock starts. See
        // docs/performance.md, "The raw producer's keys", for why each is keyed by its own id.
        BenchEvents.RawRecords records = gen.rawRecords(4096);
        AtomicLong acked = new AtomicLong();
        KafkaSettings settings = kafka.settings();
        Properties config = settings.bulkProducer("bench-raw", 1,
                ProducerSizing.forPartitions(typeCount * kafka.partitions()).lingerMs());
        // The collector's settings, with the codec its packs are compressed with: Kafka compresses single events.
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "snappy");
        // The warm-up's flush leaves nothing in flight, so the timed phase starts with the whole limit.
        InFlightLimit limit = InFlightLimit.forEvents(eventSize);
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(config)) {
            send(p, topics, records, WARM_UP, limit, new AtomicLong());
            // As before each of Hourglass's timed runs: the phase pays for its own garbage and compiling, not for the
            // last phase's.
            if (timed) {
                settle.beforeTimedPhase();
            }
            long start = System.nanoTime();
            double cpuStart = ProcessGauges.cpuSeconds();
            ComponentCpu byComponent = ComponentCpu.begin();
            send(p, topics, records, phase, limit, acked);
            double cpu = ProcessGauges.cpuSeconds() - cpuStart;
            return new Produced(topics, acked.get(), acked.get() / ((System.nanoTime() - start) / 1e9),
                    cpu / acked.get() * 1e6, byComponent.shares());
        }
    }

    /** A raw produce phase, then a plain consumer reading back what it produced: its events per second. */
    double consume(Duration phase, int typeCount) throws Exception {
        Produced produced = produceKept(phase, typeCount, true);
        long consumed = 0;
        long start = System.nanoTime();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(kafka.settings().consumer("bench-raw-c", null))) {
            List<TopicPartition> parts = new ArrayList<>();
            produced.topics().forEach(t -> c.partitionsFor(t)
                    .forEach(p -> parts.add(new TopicPartition(t, p.partition()))));
            c.assign(parts);
            c.seekToBeginning(parts);
            while (consumed < produced.events()) {
                consumed += c.poll(Duration.ofMillis(500)).count();
            }
        }
        double eps = consumed / ((System.nanoTime() - start) / 1e9);
        kafka.deleteTopics(produced.topics());
        return eps;
    }

    private static void send(KafkaProducer<String, byte[]> p, List<String> topics, BenchEvents.RawRecords records,
                             Duration howLong, InFlightLimit limit, AtomicLong acked) {
        String[] keys = records.keys();
        byte[][] values = records.values();
        long end = System.nanoTime() + howLong.toNanos();
        for (int i = 0; System.nanoTime() < end; i++) {
            Callback answered = limit.acquire(acked);
            p.send(new ProducerRecord<>(topics.get(i % topics.size()), keys[i % keys.length],
                    values[i % values.length]), answered);
        }
        p.flush();
    }
}
