package io.hourglass.completionist;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HostViewTest {
    private static final Instant H10 = Instant.parse("2026-01-01T10:00:00Z");
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @Test
    void eachHourKeepsItsLatestHeartbeatWhateverTheOrderTheyCameIn() {
        HostView h = new HostView("web-1");
        h.heartbeat(H10.plusSeconds(3600 + 600), H10, 0);
        h.heartbeat(H10.plusSeconds(3599), H10, 1);  // an older hour after a newer one
        h.heartbeat(H10.plusSeconds(100), H10, 2);   // an earlier heartbeat of the same hour
        h.heartbeat(H10.plusSeconds(3 * 3600 + 5), H10, 3);

        assertThat(h.mayHaveLoggedIn(H10, TIMEOUT)).isTrue();
        assertThat(h.mayHaveLoggedIn(H10.plusSeconds(3600), TIMEOUT)).isTrue();
        // 12:00 has none, and 11:10 is long before it: the host may have died then.
        assertThat(h.mayHaveLoggedIn(H10.plusSeconds(2 * 3600), TIMEOUT)).isFalse();
        assertThat(h.mayHaveLoggedIn(H10.plusSeconds(3 * 3600), TIMEOUT)).isTrue();
        assertThat(h.mayHaveLoggedIn(H10.minusSeconds(3600), TIMEOUT)).isFalse();
        assertThat(h.lastSeen()).isEqualTo(H10.plusSeconds(3 * 3600 + 5));
    }

    @Test
    void aHostAliveUpToTheTimeoutBeforeAnHourMayHaveLoggedInIt() {
        Instant h11 = H10.plusSeconds(3600);
        HostView justInTime = new HostView("web-1");
        justInTime.heartbeat(h11.minus(TIMEOUT).plusMillis(1), H10, 0);
        HostView exactly = new HostView("web-2");
        exactly.heartbeat(h11.minus(TIMEOUT), H10, 0);
        HostView tooEarly = new HostView("web-3");
        tooEarly.heartbeat(h11.minus(TIMEOUT).minusMillis(1), H10, 0);
        // The latest of the hour counts, not the first.
        tooEarly.heartbeat(h11.minus(TIMEOUT).minusSeconds(60), H10, 1);

        assertThat(justInTime.mayHaveLoggedIn(h11, TIMEOUT)).isTrue();
        assertThat(exactly.mayHaveLoggedIn(h11, TIMEOUT)).isTrue();
        assertThat(tooEarly.mayHaveLoggedIn(h11, TIMEOUT)).isFalse();
        tooEarly.heartbeat(h11.minusSeconds(1), H10, 2);
        assertThat(tooEarly.mayHaveLoggedIn(h11, TIMEOUT)).isTrue();
    }

    @Test
    void forgettingDropsTheHoursBeforeAndKeepsTheRest() {
        HostView h = new HostView("web-1");
        for (int i = 0; i < 30; i++) {
            h.heartbeat(H10.plusSeconds(3600L * i + 1800), H10, i);
        }
        h.forgetBefore(H10.plusSeconds(3600L * 20));

        assertThat(h.mayHaveLoggedIn(H10.plusSeconds(3600L * 19), TIMEOUT)).isFalse();
        for (int i = 20; i < 30; i++) {
            assertThat(h.mayHaveLoggedIn(H10.plusSeconds(3600L * i), TIMEOUT)).as("hour %d", i).isTrue();
        }
        h.forgetBefore(H10.plusSeconds(3600L * 20 + 1));
        assertThat(h.mayHaveLoggedIn(H10.plusSeconds(3600L * 20), TIMEOUT)).as("its hour started before").isFalse();
        assertThat(h.mayHaveLoggedIn(H10.plusSeconds(3600L * 21), TIMEOUT)).isTrue();
        h.forgetBefore(H10.plusSeconds(3600L * 40));
        assertThat(h.mayHaveLoggedIn(H10.plusSeconds(3600L * 29), TIMEOUT)).isFalse();
        h.heartbeat(H10.plusSeconds(3600L * 41), H10, 31);
        assertThat(h.mayHaveLoggedIn(H10.plusSeconds(3600L * 41), TIMEOUT)).isTrue();
    }

    @Test
    void clocksBefore1970AndFarAheadAreHeldApartByHour() {
        HostView h = new HostView("web-1");
        Instant old = Instant.parse("1969-12-31T23:59:59.999Z");
        h.heartbeat(old, H10, 0);
        h.heartbeat(Instant.parse("1970-01-01T00:00:00Z"), H10, 1);
        Instant far = Instant.parse("+999999-01-01T00:00:00Z");
        h.heartbeat(far, H10, 2);

        assertThat(h.mayHaveLoggedIn(Instant.parse("1969-12-31T23:00:00Z"), TIMEOUT)).isTrue();
        assertThat(h.mayHaveLoggedIn(Instant.parse("1970-01-01T00:00:00Z"), TIMEOUT)).isTrue();
        assertThat(h.mayHaveLoggedIn(Instant.parse("1970-01-01T01:00:00Z"), TIMEOUT)).isFalse();
        assertThat(h.mayHaveLoggedIn(Instant.parse("1969-12-31T22:00:00Z"), TIMEOUT)).isFalse();
        assertThat(h.lastSeen()).as("a far clock is still the host's latest heartbeat").isEqualTo(far);
        assertThat(h.mayHaveLoggedIn(Instant.parse("+999999-01-01T00:00:00Z"), TIMEOUT)).isFalse();
        assertThat(h.mayHaveLoggedIn(Instant.parse("-999999-01-01T00:00:00Z"), TIMEOUT)).isFalse();
        h.forgetBefore(Instant.parse("-999999-01-01T00:00:00Z"));
        assertThat(h.mayHaveLoggedIn(Instant.parse("1970-01-01T00:00:00Z"), TIMEOUT)).isTrue();
        h.forgetBefore(far);
        assertThat(h.mayHaveLoggedIn(Instant.parse("1970-01-01T00:00:00Z"), TIMEOUT)).isFalse();
    }
}
