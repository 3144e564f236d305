package io.hourglass.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InstantsTest {
    @Test
    void agreesWithTheJdkOnRandomInstantsAtEveryPrecision() {
        SplittableRandom random = new SplittableRandom(7);
        long min = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
        long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 200_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(min, max), random.nextInt(1_000_000_000));
            ChronoUnit unit = switch (i % 4) {
                case 0 -> ChronoUnit.SECONDS;
                case 1 -> ChronoUnit.MILLIS;
                case 2 -> ChronoUnit.MICROS;
                default -> ChronoUnit.NANOS;
            };
            String text = t.truncatedTo(unit).toString();
            assertThat(Instants.parse(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-02-29T23:59:59.5Z", "2000-02-29T00:00:00Z", "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59.999999999Z", "2026-11-23T17:00:00.1234Z"})
    void agreesWithTheJdkOnEdges(String text) {
        assertThat(Instants.parse(text)).isEqualTo(Instant.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "2026", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z", "2026-01-01T00:60:00Z",
            "2026-01-01T00:00:00.1234567890Z", "2026-0a-01T00:00:00Z", "2026-01-01T0a:00:00Z", "2026-01-01 00:00:00Z",
            "2026-01-01T00:00:00", "+2026-01-01T00:00:00Z", "2026-01-01T00:00:00.12a4Z"})
    void refusesWhatTheJdkRefuses(String text) {
        assertThatThrownBy(() -> Instant.parse(text)).isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> Instants.parse(text)).isInstanceOf(DateTimeParseException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-01-01T24:00:00Z", "2026-01-01T00:00:00.Z", "2016-12-31T23:59:60Z",
            "+12026-01-01T00:00:00Z"})
    void leavesUnusualFormsToTheJdk(String text) {
        assertThat(Instants.parse(text)).isEqualTo(Instant.parse(text));
    }
}
