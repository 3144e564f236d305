package io.hourglass.core.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostSignalsTest {
    private static final Instant H10 = Instant.parse("2026-01-01T10:00:00Z");

    private static Heartbeat heartbeat(String host, Instant sentAt) {
        return new Heartbeat(host, sentAt, H10);
    }

    @Test
    void heartbeatsShareAKeyOnlyWithinOneHostAndHourSoCompactionKeepsTheLatestOfEach() {
        String first = HostSignals.key(heartbeat("web-1", H10.plusSeconds(5)));
        assertThat(HostSignals.key(heartbeat("web-1", H10.plus(Duration.ofMinutes(59))))).isEqualTo(first);
        assertThat(HostSignals.key(heartbeat("web-1", H10.plus(Duration.ofHours(1))))).isNotEqualTo(first);
        assertThat(HostSignals.key(heartbeat("web-2", H10.plusSeconds(5)))).isNotEqualTo(first);
    }

    @Test
    void everyMarkerHasAKeyOfItsOwnSoCompactionNeverDropsOne() {
        Marker m = new Marker("web-1", H10, Map.of("T", 1L), Map.of(), 0, false, H10);
        String key = HostSignals.key(m);
        assertThat(HostSignals.key(m)).as("the same marker sent again").isNotEqualTo(key);
        assertThat(key).startsWith("marker/web-1/" + H10 + "/")
                .isNotEqualTo(HostSignals.key(heartbeat("web-1", H10.plusSeconds(5))));
    }

    @Test
    void aMarkersKeyNamesItsHourAndNoOtherKeyDoes() {
        for (String host : java.util.List.of("web-1", "pod/with/slashes")) {
            Marker m = new Marker(host, H10, Map.of("T", 1L), Map.of(), 0, false, H10.plusSeconds(3700));
            assertThat(HostSignals.markerHour(HostSignals.key(m))).contains(H10);
        }
        assertThat(HostSignals.markerHour(HostSignals.key(heartbeat("web-1", H10.plusSeconds(5))))).isEmpty();
        for (String other : new String[] {null, "", "marker/", "marker/web-1", "marker/web-1/not-an-hour/u",
                "marker//", "web-1"}) {
            assertThat(HostSignals.markerHour(other)).as(other).isEmpty();
        }
    }
}
