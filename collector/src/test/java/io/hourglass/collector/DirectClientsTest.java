package io.hourglass.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.core.control.Marker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DirectClientsTest {
    private static final Instant H10 = Instant.parse("2026-01-01T10:00:00Z");

    @Test
    void anHourIsMarkedOnlyAfterItsGraceAndTheWatermarkFollows() {
        DirectClients d = new DirectClients("collector-1", Duration.ofMinutes(1));
        d.acknowledged(H10, "T", "events.T", 0, 4);
        d.acknowledged(H10, "T", "events.T", 0, 9);
        d.acknowledged(H10, "U", "events.U", 2, 1);
        assertThat(d.dueMarkers(Instant.parse("2026-01-01T11:00:30Z"))).isEmpty();
        assertThat(d.heartbeat(Instant.parse("2026-01-01T11:00:30Z")).watermark()).isEqualTo(H10);

        List<Marker> due = d.dueMarkers(Instant.parse("2026-01-01T11:01:00Z"));
        assertThat(due).hasSize(1);
        Marker m = due.get(0);
        assertThat(m.host()).isEqualTo("collector-1");
        assertThat(m.hour()).isEqualTo(H10);
        assertThat(m.counts()).isEqualTo(Map.of("T", 2L, "U", 1L));
        assertThat(m.offsets()).isEqualTo(Map.of("events.T", Map.of(0, 9L), "events.U", Map.of(2, 1L)));
        assertThat(d.heartbeat(Instant.parse("2026-01-01T11:01:00Z")).watermark())
                .isEqualTo(Instant.parse("2026-01-01T11:00:00Z"));
    }

    @Test
    void markersThatCouldNotBePublishedAreRetried() {
        DirectClients d = new DirectClients("collector-1", Duration.ZERO);
        d.acknowledged(H10, "T", "events.T", 0, 4);
        List<Marker> due = d.dueMarkers(Instant.parse("2026-01-01T11:00:00Z"));
        d.unpublished(due);
        assertThat(d.heartbeat(Instant.parse("2026-01-01T11:00:00Z")).watermark()).isEqualTo(H10);
        assertThat(d.dueMarkers(Instant.parse("2026-01-01T11:00:01Z"))).singleElement()
                .satisfies(m -> assertThat(m.counts()).isEqualTo(Map.of("T", 1L)));
    }
}
