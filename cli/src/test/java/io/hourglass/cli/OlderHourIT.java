package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.client.EventLogger;
import io.hourglass.core.Hours;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.Manifest;
import io.hourglass.core.kafka.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host can bring files of an hour older than the hours already closed: it was off for a while, or it is new and
 * has a backlog. Such an hour gets its buckets if it never had them, and a bucket closed before stays as it is.
 */
class OlderHourIT {
    private static final Instant T0 = Instant.parse("2026-03-01T10:50:00Z");
    private static final Duration GRACE = Duration.ofSeconds(10);
    private static final String TYPE = "PlaybackStarted";

    @Test
    void anHourOlderThanEveryClosedOneGetsItsBucketsWhenAHostBringsIt(@TempDir Path dir) throws Exception {
        try (TestBed bed = TestBed.start(dir, T0, true, UnaryOperator.identity(), GRACE)) {
            EventLogger live = bed.logger("host-a");
            bed.awaitAgents(Set.of("host-a"));
            bed.log(live, TYPE);
            BucketId ten = new BucketId(TYPE, Hours.hourOf(T0));
            closeHoursUpTo(bed, Hours.end(ten.hour()));
            byte[] tenManifest = Files.readAllBytes(bed.bucketDir(ten).resolve("_SUCCESS"));

            Instant eight = ten.hour().minus(Duration.ofHours(2));
            EventLogger backlog = loggerAt(bed, "host-back", eight.plus(Duration.ofMinutes(30)));
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < 7; i++) {
                ids.add(bed.log(backlog, TYPE));
            }
            backlog.close();
            bed.awaitAgents(Set.of("host-back"));

            BucketId old = new BucketId(TYPE, eight);
            Manifest m = bed.awaitClosed(old);
            assertThat(m.complete()).isTrue();
            assertThat(bed.records(old).keySet()).isEqualTo(ids);
            assertThat(m.hosts()).containsOnlyKeys("host-back");
            // Its next heartbeat says it is done with 09:00 too, which it had no file of.
            bed.advanceTo(bed.clock.instant().plus(Duration.ofSeconds(10)));
            assertThat(bed.awaitClosed(new BucketId(TYPE, Hours.end(eight))).events())
                    .as("the hour between it and the first one seen had no bucket either").isZero();
            assertThat(bed.awaitClosed(new BucketId("UserLogin", eight)).events()).isZero();
            assertThat(Files.readAllBytes(bed.bucketDir(ten).resolve("_SUCCESS")))
                    .as("a bucket closed before is not written again").isEqualTo(tenManifest);
        }
    }

    @Test
    void anHourClosedAndForgottenStaysClosedAndItsNewEventsArriveLate(@TempDir Path dir) throws Exception {
        try (TestBed bed = TestBed.start(dir, T0, true, UnaryOperator.identity(), GRACE)) {
            EventLogger live = bed.logger("host-a");
            bed.awaitAgents(Set.of("host-a"));
            String first = bed.log(live, TYPE);
            BucketId ten = new BucketId(TYPE, Hours.hourOf(T0));
            closeHoursUpTo(bed, Hours.end(ten.hour()));
            byte[] tenManifest = Files.readAllBytes(bed.bucketDir(ten).resolve("_SUCCESS"));
            // More than a day on, the completionist forgets the hour; one more hour makes sure it has pruned.
            Instant dayOn = ten.hour().plus(Duration.ofHours(27));
            closeHoursUpTo(bed, dayOn);
            closeHoursUpTo(bed, Hours.end(dayOn));

            EventLogger returning = loggerAt(bed, "host-back", ten.hour().plus(Duration.ofMinutes(30)));
            String lateId = bed.log(returning, TYPE);
            returning.close();
            bed.awaitAgents(Set.of("host-back"));
            BucketId arrival = new BucketId(TYPE, Hours.end(dayOn));
            closeHoursUpTo(bed, Hours.end(arrival.hour()));

            Manifest m = bed.manifest(arrival);
            assertThat(m.lateEvents()).isEqualTo(1);
            GenericRecord late = bed.records(arrival).get(lateId);
            assertThat(late).as("the event of the forgotten hour, in the bucket of its arrival").isNotNull();
            assertThat(late.get("late")).isEqualTo(true);
            assertThat(Files.readAllBytes(bed.bucketDir(ten).resolve("_SUCCESS"))).isEqualTo(tenManifest);
            assertThat(bed.records(ten).keySet()).containsExactly(first);
            assertThat(bed.recordsWithKey(Topics.SEALS, ten.key())).as("the closed bucket is not sealed again")
                    .isEqualTo(1);
        }
    }

    /** A logger whose clock stands at {@code t}: its host's files are of that hour. */
    private static EventLogger loggerAt(TestBed bed, String host, Instant t) {
        return new EventLogger(bed.dataDir.resolve("hosts").resolve(host), Clock.fixed(t, ZoneOffset.UTC), false);
    }

    /** Moves the clock past the end of the hour before {@code hour} plus the grace; waits until its bucket closes. */
    private static void closeHoursUpTo(TestBed bed, Instant hour) {
        bed.advanceTo(hour.plus(GRACE).plusSeconds(1));
        bed.awaitClosed(new BucketId(TYPE, hour.minus(Duration.ofHours(1))));
    }
}
