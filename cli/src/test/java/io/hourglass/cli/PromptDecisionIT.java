package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.client.EventLogger;
import io.hourglass.core.Hours;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.Manifest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The completionist decides as soon as a marker, a moved watermark or a finalized partition arrives, not at its next
 * tick: every bucket's close would otherwise wait up to a tick for its seal and another for its {@code _SUCCESS}.
 */
class PromptDecisionIT {
    private static final Instant T0 = Instant.parse("2026-03-01T10:50:00Z");
    private static final Duration GRACE = Duration.ofSeconds(10);

    @Test
    void aBucketIsSealedAndClosedLongBeforeTheCompletionistsNextTick(@TempDir Path dir) throws Exception {
        try (TestBed bed = TestBed.start(dir, T0, true, UnaryOperator.identity(), GRACE,
                c -> c.withCompletionistTick(Duration.ofHours(1)))) {
            EventLogger live = bed.logger("host-a");
            bed.awaitAgents(Set.of("host-a"));
            String id = bed.log(live, "PlaybackStarted");
            BucketId ten = new BucketId("PlaybackStarted", Hours.hourOf(T0));
            bed.advanceTo(Hours.end(ten.hour()).plus(GRACE).plusSeconds(1));

            Manifest m = bed.awaitClosed(ten);
            assertThat(m.complete()).isTrue();
            assertThat(bed.records(ten).keySet()).containsExactly(id);
        }
    }
}
