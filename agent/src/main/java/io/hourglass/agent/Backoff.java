package io.hourglass.agent;

import java.time.Duration;
import java.util.random.RandomGenerator;

/** Exponential backoff with jitter: the n-th retry waits between half and all of min(max, base * 2^n). */
final class Backoff {
    private final Duration base;
    private final Duration max;
    private final RandomGenerator random;
    private int failures;

    Backoff(Duration base, Duration max, RandomGenerator random) {
        this.base = base;
        this.max = max;
        this.random = random;
    }

    Duration next() {
        long cap = Math.min(max.toMillis(), base.toMillis() << Math.min(failures, 20));
        failures++;
        return Duration.ofMillis(cap / 2 + random.nextLong(cap / 2 + 1));
    }

    void reset() {
        failures = 0;
    }

    int failures() {
        return failures;
    }
}
