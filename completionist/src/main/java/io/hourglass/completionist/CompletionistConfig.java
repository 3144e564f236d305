package io.hourglass.completionist;

import java.time.Duration;

/**
 * Settings of the completionist.
 *
 * @param hostTimeout  a host whose last heartbeat is older than this is no longer alive; it is still expected for
 *                     the hours it heartbeated in, until the type's lateness limit
 * @param tickInterval how often buckets are re-evaluated
 */
public record CompletionistConfig(Duration hostTimeout, Duration tickInterval) {
    public CompletionistConfig {
        if (hostTimeout.isNegative() || hostTimeout.isZero()) {
            throw new IllegalArgumentException("completionist.host-timeout must be positive");
        }
        if (tickInterval.isNegative() || tickInterval.isZero()) {
            throw new IllegalArgumentException("completionist.tick-interval must be positive");
        }
    }

    public static CompletionistConfig defaults() {
        return new CompletionistConfig(Duration.ofSeconds(60), Duration.ofMillis(500));
    }
}
