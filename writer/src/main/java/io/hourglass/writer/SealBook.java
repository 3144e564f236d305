package io.hourglass.writer;

import io.hourglass.core.Json;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.Finalized;
import io.hourglass.core.control.Seal;
import io.hourglass.core.kafka.Topics;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What writers know of seals and of finalized partition-hours, read from {@code _hourglass.seals} and
 * {@code _hourglass.finalized}. Thread-safe: a tailer thread writes, the writer thread reads.
 */
final class SealBook {
    private final Map<BucketId, Seal> seals = new ConcurrentHashMap<>();
    private final Set<String> finalized = ConcurrentHashMap.newKeySet();

    void accept(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return;
        }
        if (r.topic().equals(Topics.SEALS)) {
            Seal s = Json.fromBytes(r.value(), Seal.class);
            seals.put(s.bucket(), s);
        } else if (r.topic().equals(Topics.FINALIZED)) {
            finalized.add(Json.fromBytes(r.value(), Finalized.class).key());
        }
    }

    Optional<Seal> seal(BucketId bucket) {
        return Optional.ofNullable(seals.get(bucket));
    }

    boolean isFinalized(BucketId bucket, int partition) {
        return finalized.contains(bucket.key() + "|" + partition);
    }

    void markFinalized(Finalized f) {
        finalized.add(f.key());
    }

    /** Seals of these types that still have a partition in {@code partitions} to finalize. */
    List<Seal> pending(Set<String> types, Map<String, List<Integer>> partitions) {
        return seals.values().stream()
                .filter(s -> types.contains(s.type()))
                .filter(s -> partitions.getOrDefault(s.type(), List.of()).stream()
                        .anyMatch(p -> !isFinalized(s.bucket(), p)))
                .sorted((a, b) -> a.bucket().compareTo(b.bucket()))
                .toList();
    }
}
