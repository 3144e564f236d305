package io.hourglass.writer;

import io.hourglass.core.Json;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.Finalized;
import io.hourglass.core.control.Seal;
import io.hourglass.core.kafka.Topics;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What writers know of seals and of finalized partition-hours, read from {@code _hourglass.seals} and
 * {@code _hourglass.finalized}. Thread-safe: a tailer thread writes, the writer thread reads. Seals are kept
 * without their host lists, which writers do not need and which grow with the fleet.
 */
final class SealBook {
    private final Map<BucketId, Seal> seals = new ConcurrentHashMap<>();
    /** Looked up for every event, so keyed by value rather than by a string built each time. */
    private final Set<PartitionHour> finalized = ConcurrentHashMap.newKeySet();
    /** Seals that may still have work for the partitions last asked about; all seals again when those change. */
    private final NavigableSet<BucketId> unfinished = new ConcurrentSkipListSet<>();
    private Map<String, List<Integer>> askedFor = Map.of();

    void accept(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return;
        }
        if (r.topic().equals(Topics.SEALS)) {
            Seal s = Json.fromBytes(r.value(), Seal.class);
            seals.put(s.bucket(), new Seal(s.type(), s.hour(), s.offsets(), s.complete(), List.of(), List.of(),
                    s.sealedAt()));
            unfinished.add(s.bucket());
        } else if (r.topic().equals(Topics.FINALIZED)) {
            markFinalized(Json.fromBytes(r.value(), Finalized.class));
        }
    }

    Optional<Seal> seal(BucketId bucket) {
        return Optional.ofNullable(seals.get(bucket));
    }

    boolean isFinalized(BucketId bucket, int partition) {
        return finalized.contains(new PartitionHour(bucket, partition));
    }

    void markFinalized(Finalized f) {
        finalized.add(new PartitionHour(f.bucket(), f.partition()));
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
            List<Integer> mine = partitions.getOrDefault(b.type(), List.of());
            if (mine.stream().allMatch(p -> isFinalized(b, p))) {
                it.remove();
            } else {
                pending.add(seals.get(b));
            }
        }
        return pending;
    }
}
