package io.hourglass.core.kafka;

import io.hourglass.core.HourglassException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<String> topics;
    private final Consumer<ConsumerRecord<String, byte[]>> handler;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final AtomicBoolean running = new AtomicBoolean(true);
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

    /** Blocks until everything that was in the topics at start has been handled. */
    public void awaitCaughtUp(Duration timeout) {
        try {
            if (!caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new HourglassException("could not read " + topics + " within " + timeout
                        + "; check that Kafka is reachable");
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
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    try {
                        handler.accept(r);
                    } catch (RuntimeException e) {
                        log.error("Skipping unreadable record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                                e.getMessage());
                    }
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
