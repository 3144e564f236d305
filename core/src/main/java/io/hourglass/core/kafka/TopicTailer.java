package io.hourglass.core.kafka;

import io.hourglass.core.HourglassException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads control topics from the beginning, then follows them. Components rebuild their state this way, so a
 * restart needs nothing but Kafka. Records are handed to {@code handler} on the tailer's own thread.
 */
public final class TopicTailer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TopicTailer.class);
    private static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<String> topics;
    private final Consumer<ConsumerRecord<String, byte[]>> handler;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong handled = new AtomicLong();
    /** Records in the topics at start (offsets: compacted ones count too), once known. */
    private volatile long atStart = -1;
    private final Thread thread;

    public TopicTailer(KafkaSettings kafka, String clientId, List<String> topics,
                       Consumer<ConsumerRecord<String, byte[]>> handler) {
        this.consumer = new KafkaConsumer<>(kafka.consumer(clientId, null));
        this.topics = List.copyOf(topics);
        this.handler = handler;
        this.thread = new Thread(this::run, clientId);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /**
     * Blocks until everything that was in the topics at start has been handled. A long history takes as long as it
     * takes, with its progress logged every 10 s; this fails only when no record was handled for {@code stall}.
     */
    public void awaitCaughtUp(Duration stall) {
        long seen = -1;
        long progressedAt = System.nanoTime();
        long loggedAt = progressedAt;
        try {
            while (!caughtUp.await(Math.min(1000, Math.max(1, stall.toMillis())), TimeUnit.MILLISECONDS)) {
                long now = System.nanoTime();
                long n = handled.get();
                if (n != seen) {
                    seen = n;
                    progressedAt = now;
                } else if (now - progressedAt >= stall.toNanos()) {
                    throw new HourglassException("read no record of " + topics + " for " + stall + " (" + n
                            + " of at most " + atStart + " read since start; -1: not known yet); check that Kafka is"
                            + " reachable");
                }
                if (now - loggedAt >= PROGRESS_EVERY_NANOS) {
                    log.info("Reading {} from the start: {} of at most {} records so far (compaction leaves gaps);"
                            + " starts once they are read", topics, n, atStart);
                    loggedAt = now;
                }
            }
        } catch (InterruptedException e) {
            throw HourglassException.interrupted("reading " + topics, e);
        }
    }

    private void run() {
        try {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : topics) {
                List<PartitionInfo> infos = consumer.partitionsFor(t, Duration.ofSeconds(60));
                if (infos == null || infos.isEmpty()) {
                    throw new HourglassException("topic " + t + " does not exist");
                }
                infos.forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(parts);
            atStart = end.entrySet().stream().mapToLong(e -> e.getValue() - begin.getOrDefault(e.getKey(), 0L)).sum();
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    try {
                        handler.accept(r);
                    } catch (RuntimeException e) {
                        log.error("Skipping unreadable record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                                e.getMessage());
                    }
                    handled.incrementAndGet();
                }
                if (caughtUp.getCount() > 0 && end.entrySet().stream()
                        .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            log.error("Reading {} failed; this component's state is no longer updated. Restart it. Cause: {}",
                    topics, e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(1));
        }
    }

    @Override
    public void close() {
        if (running.compareAndSet(true, false)) {
            if (!thread.isAlive()) {
                consumer.close(Duration.ZERO);
                return;
            }
            consumer.wakeup();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
