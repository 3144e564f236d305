package io.hourglass.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void delaysGrowExponentiallyWithJitterUpToTheCapAndResetAfterSuccess() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), new Random(7));
        long[] caps = {100, 200, 400, 800, 1600, 2000, 2000};
        for (long cap : caps) {
            long d = b.next().toMillis();
            assertThat(d).isBetween(cap / 2, cap);
        }
        b.reset();
        assertThat(b.failures()).isZero();
        assertThat(b.next().toMillis()).isBetween(50L, 100L);
    }

    @Test
    void jitterSpreadsRetriesOfManyAgents() {
        Backoff a = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), new Random(1));
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), new Random(2));
        for (int i = 0; i < 4; i++) {
            a.next();
            b.next();
        }
        assertThat(a.next()).isNotEqualTo(b.next());
    }
}
