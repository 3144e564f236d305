package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.client.EventLogger;
import io.hourglass.core.Hours;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.Manifest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In standalone, one grace holds an hour open: its agents' and its collector's direct clients'. With a grace shorter
 * than a collector's default direct grace (a minute), the hour still closes right after its end plus the grace.
 */
class ShortGraceIT {
    private static final Instant T0 = Instant.parse("2026-03-01T10:50:00Z");
    private static final Duration GRACE = Duration.ofSeconds(10);

    @Test
    void anHourClosesAfterItsEndPlusTheGraceNotTheCollectorsDefault(@TempDir Path dir) throws Exception {
        try (TestBed bed = TestBed.start(dir, T0, true, UnaryOperator.identity(), GRACE)) {
            EventLogger logger = bed.logger("host-a");
            bed.awaitAgents(Set.of("host-a"));
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                ids.add(bed.log(logger, "PlaybackStarted"));
            }
            BucketId bucket = new BucketId("PlaybackStarted", Hours.hourOf(T0));
            // The clock stands still here: only the grace has passed, not a minute.
            bed.advanceTo(Hours.end(bucket.hour()).plus(GRACE).plusSeconds(1));
            Manifest m = bed.awaitClosed(bucket);
            assertThat(m.complete()).isTrue();
            assertThat(m.events()).isEqualTo(ids.size());
            assertThat(bed.records(bucket).keySet()).isEqualTo(ids);
            assertThat(m.closeDelaySeconds()).isLessThan(Duration.ofMinutes(1).toSeconds());
        }
    }
}
