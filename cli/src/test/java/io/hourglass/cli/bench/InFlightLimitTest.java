package io.hourglass.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class InFlightLimitTest {
    private static final RecordMetadata SENT = new RecordMetadata(new TopicPartition("t", 0), 0, 0, 0, 1, 1);

    @Test
    void anAnswerLetsTheNextRecordGoAndOnlySuccessesCount() {
        InFlightLimit limit = new InFlightLimit(2);
        AtomicLong acked = new AtomicLong();
        Callback first = limit.acquire(acked);
        Callback second = limit.acquire(acked);
        assertThat(limit.available()).isZero();

        first.onCompletion(null, new TimeoutException("no answer"));
        assertThat(limit.available()).isEqualTo(1);
        assertThat(acked).hasValue(0);
        second.onCompletion(SENT, null);
        assertThat(limit.available()).isEqualTo(2);
        assertThat(acked).hasValue(1);
    }

    @Test
    void aSenderWaitsWhileTheLimitIsInFlight() throws Exception {
        InFlightLimit limit = new InFlightLimit(1);
        AtomicLong acked = new AtomicLong();
        Callback inFlight = limit.acquire(acked);
        Thread sender = new Thread(() -> limit.acquire(acked));
        sender.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> sender.getState() == Thread.State.WAITING);
        assertThat(sender.isAlive()).isTrue();

        inFlight.onCompletion(SENT, null);
        sender.join(10_000);
        assertThat(sender.isAlive()).isFalse();
        assertThat(limit.available()).isZero();
    }

    @Test
    void theLimitHoldsSixteenMebibytesOfEvents() {
        assertThat(InFlightLimit.forEvents(300).available()).isEqualTo((int) (InFlightLimit.BYTES / 300));
        assertThat(InFlightLimit.forEvents(64 * 1024 * 1024).available()).isEqualTo(1);
        assertThatThrownBy(() -> new InFlightLimit(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
