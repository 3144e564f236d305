package io.hourglass.writer;

import io.hourglass.core.Hours;
import io.hourglass.core.control.BucketId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * For the late events of one hour of a partition: the run of closed buckets from that hour on, and those of them
 * whose file may hold a copy of such an event. A closed bucket stays closed and its file never changes, so a run is
 * walked once for the hour and then only lengthened, not walked again for every event: an event a month late passes
 * 720 buckets, each a lake call once the seal book has forgotten it. A run also starts from the run of the hour
 * before, which covers all of it but that hour's own bucket. Used by the writer thread.
 */
final class ClosedRuns {
    /** A month of hours for a few hundred partitions; an evicted run is walked again, as every event once was. */
    static final int RUNS_KEPT = 16_384;

    /** What the writer knows of buckets. */
    interface Buckets {
        /** Whether the partition of the bucket is closed; once true, always true. */
        boolean closed(BucketId bucket, int partition);

        /** Whether the file of a closed partition-hour may hold a late event of {@code hour}. */
        boolean mayHoldLateOf(BucketId bucket, int partition, Instant hour);
    }

    /**
     * Buckets from an hour on are closed up to {@code end}, exclusive; {@code holders}, in order, may hold copies of
     * that hour's events: its own bucket, if closed, and those whose file may hold its late events.
     */
    record Run(Instant end, List<Instant> holders) {
        Run {
            holders = List.copyOf(holders);
        }
    }

    private record Key(String type, int partition, Instant hour) {
    }

    private final Buckets buckets;
    private final Map<Key, Run> runs;

    ClosedRuns(Buckets buckets) {
        this(buckets, RUNS_KEPT);
    }

    ClosedRuns(Buckets buckets, int kept) {
        this.buckets = buckets;
        this.runs = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Run> eldest) {
                return size() > kept;
            }
        };
    }

    /** The run of closed buckets from {@code hour} on, looked for up to {@code until} at most. */
    Run from(String type, int partition, Instant hour, Instant until) {
        Key key = new Key(type, partition, hour);
        Run run = runs.get(key);
        if (run == null) {
            run = inherited(key);
        }
        if (run.end().isBefore(until)) {
            run = lengthened(key, run, until);
        }
        runs.put(key, run);
        return run;
    }

    /** The closed buckets that the run of the hour before has past this hour, with who of them may hold its events. */
    private Run inherited(Key key) {
        Run before = runs.get(new Key(key.type(), key.partition(), key.hour().minus(Duration.ofHours(1))));
        if (before == null || !before.end().isAfter(key.hour())) {
            return new Run(key.hour(), List.of());
        }
        List<Instant> holders = new ArrayList<>();
        for (Instant h = key.hour(); h.isBefore(before.end()); h = Hours.end(h)) {
            if (holds(key, h)) {
                holders.add(h);
            }
        }
        return new Run(before.end(), holders);
    }

    private Run lengthened(Key key, Run run, Instant until) {
        List<Instant> holders = new ArrayList<>(run.holders());
        Instant h = run.end();
        while (h.isBefore(until) && buckets.closed(new BucketId(key.type(), h), key.partition())) {
            if (holds(key, h)) {
                holders.add(h);
            }
            h = Hours.end(h);
        }
        return h.equals(run.end()) ? run : new Run(h, holders);
    }

    /** Whether the closed bucket of {@code h} may hold a copy of an event of the key's hour. */
    private boolean holds(Key key, Instant h) {
        // Past its own hour, a bucket holds a copy only as a late event, which its file lists.
        return h.equals(key.hour()) || buckets.mayHoldLateOf(new BucketId(key.type(), h), key.partition(), key.hour());
    }
}
