package io.hourglass.completionist;

import java.time.Duration;

/**
 * Settings of the completionist.
 *
 * @param hostTimeout  a host whose last heartbeat is older than this is no longer alive; it is still expected for
 *                     the hours it heartbeated in, until the type's lateness limit
 * @param tickInterval how often buckets are re-evaluated
 * @param startupGrace nothing is sealed this soon after start, so that every live host has heartbeated once; a
 *                     host the completionist has never heard of is not expected, and its data would come late
 */
public record CompletionistConfig(Duration hostTimeout, Duration tickInterval, Duration startupGrace) {
    public CompletionistConfig {
        if (hostTimeout.isNegative() || hostTimeout.isZero()) {
            throw new IllegalArgumentException("completionist.host-timeout must be positive");
        }
        if (tickInterval.isNegative() || tickInterval.isZero()) {
            throw new IllegalArgumentException("completionist.tick-interval must be positive");
        }
        if (startupGrace.isNegative()) {
            throw new IllegalArgumentException("completionist.startup-grace must not be negative");
        }
    }

    public static CompletionistConfig defaults() {
        return new CompletionistConfig(Duration.ofSeconds(60), Duration.ofMillis(500), Duration.ofSeconds(20));
    }
}
