package io.hourglass.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.core.Hours;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/**
 * A live phase samples the events logged from a real millisecond on, and finds them again in Kafka by their logged_at:
 * both sides must map an event to the same real millisecond, whatever precision its logged_at comes back with.
 */
class PhaseClockTest {
    @Test
    void anInstantAndItsCoarserCopiesMapToTheSameRealMillisecond() {
        Instant realStart = Instant.parse("2026-03-01T10:20:00.000700Z");  // a shift that is not whole milliseconds
        Latency.PhaseClock time = Latency.PhaseClock.of(realStart, Duration.ofSeconds(20), true);
        for (long nanos = 0; nanos < 1_000_000; nanos += 50_000) {
            Instant logged = time.clock().instant().truncatedTo(ChronoUnit.MILLIS).plusNanos(nanos);
            assertThat(time.real(logged.truncatedTo(ChronoUnit.MICROS))).as("%d ns", nanos)
                    .isEqualTo(time.real(logged.truncatedTo(ChronoUnit.MILLIS))).isEqualTo(time.real(logged));
        }
    }

    @Test
    void theHourToCloseEndsHalfwayThroughTheSampledTime() {
        Instant realStart = Instant.parse("2026-03-01T10:20:00.000700Z");
        Duration phase = Duration.ofSeconds(20);
        Latency.PhaseClock time = Latency.PhaseClock.of(realStart, phase, true);
        Instant halfway = realStart.plus(RawKafka.WARM_UP).plus(phase.dividedBy(2));
        assertThat(Duration.between(Hours.end(time.closing()), halfway.plus(time.shift())).abs())
                .isLessThan(Duration.ofMillis(1));
        assertThat(Latency.PhaseClock.of(realStart, phase, false).shift()).isZero();
    }
}
