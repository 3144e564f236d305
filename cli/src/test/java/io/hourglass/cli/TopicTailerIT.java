package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.cli.kafka.KafkaNode;
import io.hourglass.core.HourglassException;
import io.hourglass.core.kafka.KafkaSettings;
import io.hourglass.core.kafka.TopicAdmin;
import io.hourglass.core.kafka.TopicTailer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Components read their control topics from the start before they start; a long history must not stop them from
 * starting, so the wait fails only when the reading stalls. Against a real broker.
 */
class TopicTailerIT {
    private static final String TOPIC = "_test.history";
    private static final int RECORDS = 400;

    @TempDir
    static Path dir;
    private static KafkaNode.Server kafka;
    private static KafkaSettings settings;

    @BeforeAll
    static void startKafka() throws Exception {
        KafkaNode node = KafkaNode.single(dir.resolve("kafka"), 0);
        kafka = node.server();
        kafka.start();
        settings = KafkaSettings.singleNode(node.bootstrap());
        try (Admin admin = Admin.create(settings.admin("test"))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            TopicAdmin.awaitLeaders(admin, List.of(TOPIC));
        }
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(settings.producer("test"))) {
            for (int i = 0; i < RECORDS; i++) {
                p.send(new ProducerRecord<>(TOPIC, "k" + i, new byte[] {(byte) i}));
            }
        }
    }

    @AfterAll
    static void stopKafka() {
        kafka.stop();
    }

    @Test
    void aHistoryThatTakesLongerThanTheStallTimeToReadIsReadToTheEnd() {
        AtomicInteger handled = new AtomicInteger();
        try (TopicTailer tailer = new TopicTailer(settings, "test-slow", List.of(TOPIC), r -> {
            sleep(5);  // 400 records take 2 s, four times the stall time below
            handled.incrementAndGet();
        })) {
            tailer.start();
            long started = System.nanoTime();
            tailer.awaitCaughtUp(Duration.ofMillis(500));
            assertThat(handled).hasValue(RECORDS);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofSeconds(1));
        }
    }

    @Test
    void aReadingThatMakesNoProgressFailsAfterTheStallTime() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        try (TopicTailer tailer = new TopicTailer(settings, "test-stuck", List.of(TOPIC), r -> {
            try {
                stuck.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })) {
            tailer.start();
            assertThatThrownBy(() -> tailer.awaitCaughtUp(Duration.ofMillis(1500)))
                    .isInstanceOf(HourglassException.class).hasMessageContaining("read no record of [" + TOPIC + "]");
            stuck.countDown();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
