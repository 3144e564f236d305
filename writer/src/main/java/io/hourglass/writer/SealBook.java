package io.hourglass.writer;

import static java.util.Objects.requireNonNull;

import io.hourglass.core.Json;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.Finalized;
import io.hourglass.core.control.Seal;
import io.hourglass.core.kafka.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What writers know of seals and of finalized partition-hours, read from {@code _hourglass.seals} and
 * {@code _hourglass.finalized}. Thread-safe: a tailer thread writes, the writer thread reads. Seals are kept
 * without their host lists, which writers do not need and which grow with the fleet. They are kept for every type, not
 * only the lane's: a type moved to this lane brings events whose hours were closed by another lane's writers.
 *
 * <p>Both topics keep a record per bucket for weeks ({@link Topics#DECISIONS_KEPT}), so the book forgets a bucket once
 * every partition of its seal has been finalized for {@code keep} and its hour ended {@code keep} ago: it holds about
 * {@code keep} of buckets. An event of a forgotten hour asks the lake whether the bucket was closed.
 */
final class SealBook {
    /** A bucket that the lake says is open is asked about again after this (a backfill seals it meanwhile). */
    private static final Duration RECHECK_OPEN = Duration.ofMinutes(1);
    private static final int MIN_RECORDS_BETWEEN_SWEEPS = 1024;
    /** A quiet lane still forgets: it sweeps at the first record after this. */
    private static final Duration MAX_TIME_BETWEEN_SWEEPS = Duration.ofMinutes(10);
    private static final int LAKE_ANSWERS_KEPT = 4096;

    private final Clock clock;
    private final Duration keep;
    private final Predicate<BucketId> closedInLake;
    private final Map<BucketId, Seal> seals = new ConcurrentHashMap<>();
    /** When each partition-hour was finalized. Looked up for every event, so keyed by value, not by a built string. */
    private final Map<PartitionHour, Instant> finalized = new ConcurrentHashMap<>();
    /** Seals that may still have work for the partitions last asked about; all seals again when those change. */
    private final NavigableSet<BucketId> unfinished = new ConcurrentSkipListSet<>();
    private Map<String, List<Integer>> askedFor = Map.of();
    /** The lake's answers about forgotten hours: closed (for good), or open since the instant. Writer thread only. */
    private final Map<BucketId, Instant> lakeAnswers = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<BucketId, Instant> eldest) {
            return size() > LAKE_ANSWERS_KEPT;
        }
    };
    private int recordsSinceSweep;
    private Instant nextSweep = Instant.MIN;
    /**
     * Hours before this may have been forgotten: those whose end was {@code keep} before the last sweep. Kept rather
     * than asking the clock, as every event of a bucket without a seal yet asks.
     */
    private volatile Instant forgettableBefore;

    /**
     * @param keep         how long a closed bucket stays known without asking the lake
     * @param closedInLake whether a bucket's {@code _SUCCESS} is in the lake; asked only about hours older than
     *                     {@code keep}
     */
    SealBook(Clock clock, Duration keep, Predicate<BucketId> closedInLake) {
        this.clock = requireNonNull(clock, "clock is null");
        this.keep = requireNonNull(keep, "keep is null");
        this.closedInLake = requireNonNull(closedInLake, "closedInLake is null");
        this.forgettableBefore = forgettableBefore(clock.instant());
    }

    /** Hours before the instant ended more than {@code keep} before {@code now}. */
    private Instant forgettableBefore(Instant now) {
        return now.minus(keep).minus(Duration.ofHours(1));
    }

    void accept(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return;
        }
        if (r.topic().equals(Topics.SEALS)) {
            Seal s = Json.fromBytes(r.value(), Seal.class);
            seals.put(s.bucket(), s.withoutHosts());
            unfinished.add(s.bucket());
        } else if (r.topic().equals(Topics.FINALIZED)) {
            finalizedRecord(r);
        }
        // A sweep costs a pass over the book, so it waits for as many records: constant work per record.
        if (++recordsSinceSweep >= Math.max(MIN_RECORDS_BETWEEN_SWEEPS, seals.size() + finalized.size())
                || !clock.instant().isBefore(nextSweep)) {
            forgetOldBuckets();
        }
    }

    /**
     * Its key and header say all the book needs, so its value, a tally of every host that sent to the partition, is
     * not read: a writer reads weeks of these at start, and at tens of thousands of hosts that was most of its start.
     */
    private void finalizedRecord(ConsumerRecord<String, byte[]> r) {
        Optional<Finalized.Key> key = Finalized.ofKey(r.key());
        Optional<Instant> at = Finalized.atOf(r.headers());
        if (key.isPresent() && at.isPresent()) {
            finalized.put(new PartitionHour(key.get().bucket(), key.get().partition()), at.get());
        } else {
            markFinalized(Json.fromBytes(r.value(), Finalized.class));
        }
    }

    Optional<Seal> seal(BucketId bucket) {
        return Optional.ofNullable(seals.get(bucket));
    }

    boolean isFinalized(BucketId bucket, int partition) {
        return finalized.containsKey(new PartitionHour(bucket, partition));
    }

    /**
     * Whether events that reach this partition of the bucket must move on: it is finalized, or the book forgot it and
     * the lake has it closed. Writer thread only.
     */
    boolean closed(BucketId bucket, int partition) {
        if (!seals.containsKey(bucket)) {
            return forgottenAndClosed(bucket);
        }
        if (isFinalized(bucket, partition)) {
            return true;
        }
        // A sweep removes a seal before its finalized partitions: if this one is missing because the tailer thread
        // swept the bucket meanwhile, its seal is missing now too.
        return !seals.containsKey(bucket) && forgottenAndClosed(bucket);
    }

    private boolean forgottenAndClosed(BucketId bucket) {
        if (!bucket.hour().isBefore(forgettableBefore)) {
            return false;  // a bucket that young is never forgotten: no seal means not sealed yet
        }
        Instant now = clock.instant();
        Instant openAt = lakeAnswers.get(bucket);
        if (openAt == Instant.MAX) {
            return true;
        }
        if (openAt != null && now.isBefore(openAt.plus(RECHECK_OPEN))) {
            return false;
        }
        boolean closed = closedInLake.test(bucket);
        lakeAnswers.put(bucket, closed ? Instant.MAX : now);
        return closed;
    }

    void markFinalized(Finalized f) {
        finalized.put(new PartitionHour(f.bucket(), f.partition()), f.finalizedAt());
    }

    /** Buckets whose seal the book holds. */
    int bucketsKnown() {
        return seals.size();
    }

    /**
     * Forgets the seals whose partitions were all finalized, and whose hour ended, more than {@code keep} ago, with
     * their finalized partitions. A finalized record without its seal stays: the seal may still be on its way. Tailer
     * thread only.
     */
    void forgetOldBuckets() {
        recordsSinceSweep = 0;
        Instant now = clock.instant();
        nextSweep = now.plus(MAX_TIME_BETWEEN_SWEEPS);
        // closed() takes hours before this for possibly forgotten: the sweep forgets no other.
        forgettableBefore = forgettableBefore(now);
        Instant finalizedBefore = now.minus(keep);
        for (Iterator<Seal> it = seals.values().iterator(); it.hasNext(); ) {
            Seal s = it.next();
            if (!s.hour().isBefore(forgettableBefore)) {
                continue;
            }
            List<PartitionHour> parts = new ArrayList<>();
            boolean done = true;
            for (int p : s.offsets().keySet()) {
                PartitionHour ph = new PartitionHour(s.bucket(), p);
                Instant at = finalized.get(ph);
                done &= at != null && at.isBefore(finalizedBefore);
                parts.add(ph);
            }
            if (done) {
                it.remove();  // before its finalized partitions: see closed()
                unfinished.remove(s.bucket());
                parts.forEach(finalized::remove);
            }
        }
    }

    private record PartitionHour(BucketId bucket, int partition) {
    }

    /**
     * Seals, oldest first, that still have a partition in {@code partitions} (type → partitions) to finalize. Called
     * by one thread; a seal found done for these partitions is not looked at again until the partitions change.
     */
    List<Seal> pending(Map<String, List<Integer>> partitions) {
        if (!partitions.equals(askedFor)) {
            askedFor = Map.copyOf(partitions);
            unfinished.addAll(seals.keySet());
        }
        List<Seal> pending = new ArrayList<>();
        for (Iterator<BucketId> it = unfinished.iterator(); it.hasNext(); ) {
            BucketId b = it.next();
            Seal seal = seals.get(b);
            List<Integer> mine = partitions.getOrDefault(b.type(), List.of());
            if (seal == null || mine.stream().allMatch(p -> isFinalized(b, p))) {
                it.remove();  // forgotten meanwhile, or done
            } else {
                pending.add(seal);
            }
        }
        return pending;
    }
}
