package io.hourglass.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.core.Hours;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hour that the bench's live phase closes is one that no host of its earlier runs may have logged in. */
class HourToCloseTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @ParameterizedTest
    @ValueSource(strings = {"2026-12-04T15:10:00Z", "2026-12-04T14:59:56.800Z", "2026-12-04T14:59:30Z",
            "2026-12-04T14:59:29.999Z", "2026-12-04T15:00:00Z", "2026-12-04T23:59:45Z"})
    void startsMoreThanTheHostTimeoutAfterTheLastHeartbeatOfAnEarlierRun(String now) {
        Instant start = Instant.parse(now);
        Instant hour = Latency.hourToClose(start, TIMEOUT);

        assertThat(Hours.hourOf(hour)).isEqualTo(hour);
        // An earlier run's host, last seen at `start`, counts for the hour only if seen within the timeout before it.
        assertThat(hour).isAfter(start.plus(TIMEOUT));
        assertThat(Duration.between(start, hour)).isLessThanOrEqualTo(Duration.ofHours(1).plus(TIMEOUT));
    }
}
