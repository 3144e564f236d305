package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hourglass.core.control.Heartbeat;
import io.hourglass.core.control.HostSignals;
import io.hourglass.core.kafka.KafkaSettings;
import io.hourglass.core.kafka.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backfilled hour waits for a heartbeat of every host sent after it turned up, the collector's for its direct
 * clients too: the standalone's collector heartbeats as often as its agents (here 10 s of the bed's clock), not at a
 * fixed interval of its own.
 */
class CollectorHeartbeatIT {
    private static final String HOST = "collector-standalone";

    @Test
    void theStandalonesCollectorHeartbeatsAtTheStandalonesInterval(@TempDir Path dir) throws Exception {
        Instant t0 = Instant.parse("2026-03-01T10:05:00Z");
        try (TestBed bed = TestBed.start(dir, t0, false)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> !heartbeats(bed).isEmpty());
            int sent = heartbeats(bed).size();

            // Past the collector's default of 5 s, short of the standalone's 10 s: its ticker, each second of real
            // time, finds no heartbeat due.
            bed.clock.add(Duration.ofSeconds(6));
            Thread.sleep(2500);
            assertThat(heartbeats(bed)).hasSize(sent);

            bed.clock.add(Duration.ofSeconds(4));
            await().atMost(Duration.ofSeconds(30)).until(() -> heartbeats(bed).size() > sent);
            assertThat(heartbeats(bed).get(sent).sentAt()).isEqualTo(t0.plusSeconds(10));
        }
    }

    private static List<Heartbeat> heartbeats(TestBed bed) {
        return EventCounter.records(KafkaSettings.singleNode(bed.hourglass.bootstrap()), Topics.MARKERS).stream()
                .filter(r -> r.key().startsWith("heartbeat/" + HOST + "/"))
                .map(r -> (Heartbeat) HostSignals.fromBytes(r.value())).toList();
    }
}
