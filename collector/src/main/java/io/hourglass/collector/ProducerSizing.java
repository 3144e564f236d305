package io.hourglass.collector;

/**
 * How many Kafka producers the collector uses for events, and how long they linger, for the number of event
 * partitions it writes to.
 *
 * <p>Events are keyed by id, so they spread over every partition, and at a given event rate each partition's batch
 * gets fewer records the more partitions there are. The broker's cost is per batch: with 100 types × 3 partitions
 * and a 30 ms linger, batches held one or two records and the broker's request threads used most of the CPU.
 * Lingering {@code partitions / 3} ms (30–200 ms) caps the batches a collector sends at about 3,000 a second.
 * A producer's sender also looks at every partition it holds each time a batch starts (O(partitions²) per linger),
 * so each producer holds about 40 partitions.
 *
 * @param producers event producers, each owning a shard of the event topics
 * @param lingerMs  {@code linger.ms} of each
 */
public record ProducerSizing(int producers, int lingerMs) {
    static final int PARTITIONS_PER_PRODUCER = 40;
    static final int MAX_PRODUCERS = 16;
    static final int MIN_LINGER_MS = 30;
    static final int MAX_LINGER_MS = 200;

    public static ProducerSizing forPartitions(int partitions) {
        int producers = Math.min(MAX_PRODUCERS, Math.max(1,
                (partitions + PARTITIONS_PER_PRODUCER - 1) / PARTITIONS_PER_PRODUCER));
        int linger = Math.min(MAX_LINGER_MS, Math.max(MIN_LINGER_MS, partitions / 3));
        return new ProducerSizing(producers, linger);
    }
}
