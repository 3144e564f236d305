package io.hourglass.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that runs {@code rate} times faster than real time from an agreed origin: at real time
 * {@code realOrigin} it reads {@code origin}. Processes given the same three values share one timeline, which lets
 * a multi-process test live through hours in minutes.
 */
public final class AcceleratedClock extends Clock {
    private final Instant origin;
    private final Instant realOrigin;
    private final double rate;
    private final Clock real;

    public AcceleratedClock(Instant origin, Instant realOrigin, double rate, Clock real) {
        if (rate <= 0) {
            throw new IllegalArgumentException("clock rate must be positive");
        }
        this.origin = origin;
        this.realOrigin = realOrigin;
        this.rate = rate;
        this.real = real;
    }

    @Override
    public Instant instant() {
        long realNanos = Duration.between(realOrigin, real.instant()).toNanos();
        return origin.plusNanos((long) (realNanos * rate));
    }

    /** How long in real time a span of this clock's time takes. */
    public Duration toReal(Duration simulated) {
        return Duration.ofNanos((long) (simulated.toNanos() / rate));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
