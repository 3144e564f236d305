package io.hourglass.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.core.control.BucketId;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClosedRunsTest {
    private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
    private static final Instant MONTH_AGO = NOW.minus(Duration.ofDays(30));
    private static final int HOURS_IN_A_MONTH = 30 * 24;

    /** Buckets of one type and partition that count what they are asked. */
    private static final class CountingBuckets implements ClosedRuns.Buckets {
        final Set<Instant> closed = new HashSet<>();
        /** The late hours that a closed file lists; a file missing here lists none. */
        final Map<Instant, Set<Instant>> lateHours = new HashMap<>();
        int closedAsked;
        int lateHoursAsked;

        void closeHours(Instant from, Instant until) {
            for (Instant h = from; h.isBefore(until); h = h.plus(Duration.ofHours(1))) {
                closed.add(h);
            }
        }

        @Override
        public boolean closed(BucketId bucket, int partition) {
            closedAsked++;
            return closed.contains(bucket.hour());
        }

        @Override
        public boolean mayHoldLateOf(BucketId bucket, int partition, Instant hour) {
            lateHoursAsked++;
            assertThat(closed).as("only closed files are read").contains(bucket.hour());
            return lateHours.getOrDefault(bucket.hour(), Set.of()).contains(hour);
        }
    }

    private static Instant hoursAfter(Instant hour, int n) {
        return hour.plus(Duration.ofHours(n));
    }

    @Test
    void aMonthOfClosedBucketsIsAskedAboutOnceForAnHourOfLateEventsNotOnceForEachEvent() {
        CountingBuckets buckets = new CountingBuckets();
        buckets.closeHours(MONTH_AGO, NOW);
        Instant listing = hoursAfter(MONTH_AGO, 500);
        buckets.lateHours.put(listing, Set.of(MONTH_AGO));
        buckets.lateHours.put(hoursAfter(MONTH_AGO, 600), Set.of(hoursAfter(MONTH_AGO, 1)));
        ClosedRuns runs = new ClosedRuns(buckets);

        ClosedRuns.Run first = runs.from("a", 0, MONTH_AGO, NOW);

        assertThat(first.end()).isEqualTo(NOW);
        assertThat(first.holders()).containsExactly(MONTH_AGO, listing);
        assertThat(buckets.closedAsked).as("every bucket up to the open one").isEqualTo(HOURS_IN_A_MONTH);
        for (int event = 0; event < 1000; event++) {
            assertThat(runs.from("a", 0, MONTH_AGO, NOW)).isEqualTo(first);
        }
        assertThat(buckets.closedAsked).as("no bucket asked about again").isEqualTo(HOURS_IN_A_MONTH);
        assertThat(buckets.lateHoursAsked).isEqualTo(HOURS_IN_A_MONTH - 1);
    }

    @Test
    void theNextHourStartsFromTheRunOfTheHourBeforeAndOnlyReadsWhoHoldsItsEvents() {
        CountingBuckets buckets = new CountingBuckets();
        buckets.closeHours(MONTH_AGO, NOW);
        Instant next = hoursAfter(MONTH_AGO, 1);
        buckets.lateHours.put(hoursAfter(MONTH_AGO, 600), Set.of(next));
        ClosedRuns runs = new ClosedRuns(buckets);
        runs.from("a", 0, MONTH_AGO, NOW);
        buckets.closedAsked = 0;
        buckets.lateHoursAsked = 0;

        ClosedRuns.Run run = runs.from("a", 0, next, NOW);

        assertThat(run.end()).isEqualTo(NOW);
        assertThat(run.holders()).containsExactly(next, hoursAfter(MONTH_AGO, 600));
        assertThat(buckets.closedAsked).as("closed is known from the hour before's run").isZero();
        assertThat(buckets.lateHoursAsked).isEqualTo(HOURS_IN_A_MONTH - 2);
    }

    @Test
    void aRunStopsAtAnOpenBucketAndGoesOnOnceItCloses() {
        CountingBuckets buckets = new CountingBuckets();
        Instant open = hoursAfter(MONTH_AGO, 3);
        buckets.closeHours(MONTH_AGO, open);
        buckets.closeHours(hoursAfter(open, 1), NOW);
        ClosedRuns runs = new ClosedRuns(buckets);

        assertThat(runs.from("a", 0, MONTH_AGO, NOW).end()).isEqualTo(open);
        assertThat(runs.from("a", 0, MONTH_AGO, NOW).end()).as("the open bucket is asked about again").isEqualTo(open);
        assertThat(buckets.closedAsked).isEqualTo(3 + 1 + 1);

        buckets.closed.add(open);
        buckets.lateHours.put(hoursAfter(MONTH_AGO, 10), Set.of(MONTH_AGO));
        ClosedRuns.Run run = runs.from("a", 0, MONTH_AGO, NOW);
        assertThat(run.end()).isEqualTo(NOW);
        assertThat(run.holders()).containsExactly(MONTH_AGO, hoursAfter(MONTH_AGO, 10));
    }

    @Test
    void aRunGrowsWithItsTargetAndStopsThere() {
        CountingBuckets buckets = new CountingBuckets();
        buckets.closeHours(MONTH_AGO, NOW);
        ClosedRuns runs = new ClosedRuns(buckets);

        assertThat(runs.from("a", 0, MONTH_AGO, hoursAfter(MONTH_AGO, 2)).end()).isEqualTo(hoursAfter(MONTH_AGO, 2));
        assertThat(buckets.closedAsked).as("not past the target, though closed").isEqualTo(2);
        assertThat(runs.from("a", 0, MONTH_AGO, hoursAfter(MONTH_AGO, 5)).end()).isEqualTo(hoursAfter(MONTH_AGO, 5));
        assertThat(buckets.closedAsked).isEqualTo(5);
    }

    @Test
    void typesAndPartitionsHaveTheirOwnRuns() {
        CountingBuckets buckets = new CountingBuckets();
        buckets.closeHours(MONTH_AGO, hoursAfter(MONTH_AGO, 4));
        ClosedRuns runs = new ClosedRuns(buckets);

        runs.from("a", 0, MONTH_AGO, NOW);
        runs.from("a", 1, MONTH_AGO, NOW);
        runs.from("b", 0, MONTH_AGO, NOW);

        assertThat(buckets.closedAsked).isEqualTo(3 * (4 + 1));
    }

    @Test
    void anEvictedRunIsWalkedAgainAndGivesTheSameAnswer() {
        CountingBuckets buckets = new CountingBuckets();
        buckets.closeHours(MONTH_AGO, NOW);
        buckets.lateHours.put(hoursAfter(MONTH_AGO, 7), Set.of(MONTH_AGO));
        ClosedRuns runs = new ClosedRuns(buckets, 2);
        ClosedRuns.Run first = runs.from("a", 0, MONTH_AGO, NOW);
        runs.from("a", 1, MONTH_AGO, NOW);
        runs.from("a", 2, MONTH_AGO, NOW);
        buckets.closedAsked = 0;

        assertThat(runs.from("a", 0, MONTH_AGO, NOW)).isEqualTo(first);
        assertThat(buckets.closedAsked).isEqualTo(HOURS_IN_A_MONTH);
        assertThat(first.holders()).isEqualTo(List.of(MONTH_AGO, hoursAfter(MONTH_AGO, 7)));
    }
}
