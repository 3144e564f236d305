package io.hourglass.agent;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Progress of one hourly log file: bytes acknowledged by a collector, what those acknowledgements said (counts per
 * type, max offset per topic partition), and whether the hour's marker is published.
 */
record FileState(
        Instant hour,
        long ackedBytes,
        Map<String, Long> counts,
        Map<String, Map<Integer, Long>> offsets,
        long rejected,
        boolean marked) {

    FileState {
        requireNonNull(hour, "hour is null");
        counts = Map.copyOf(counts);
        Map<String, Map<Integer, Long>> copy = new HashMap<>();
        offsets.forEach((t, p) -> copy.put(t, Map.copyOf(p)));
        offsets = Map.copyOf(copy);
    }

    static FileState fresh(Instant hour) {
        return new FileState(hour, 0, Map.of(), Map.of(), 0, false);
    }

    FileState acknowledged(long newAckedBytes, Ack ack) {
        Map<String, Long> c = new HashMap<>(counts);
        ack.counts().forEach((t, n) -> c.merge(t, n, Long::sum));
        Map<String, Map<Integer, Long>> o = new HashMap<>();
        offsets.forEach((t, p) -> o.put(t, new HashMap<>(p)));
        ack.offsets().forEach((t, p) -> p.forEach((part, off) ->
                o.computeIfAbsent(t, x -> new HashMap<>()).merge(part, off, Math::max)));
        return new FileState(hour, newAckedBytes, c, o, rejected + ack.rejected(), false);
    }

    FileState restartedAt(long bytes) {
        return new FileState(hour, bytes, counts, offsets, rejected, false);
    }

    FileState asMarked() {
        return new FileState(hour, ackedBytes, counts, offsets, rejected, true);
    }

    /** What one collector answer acknowledged. */
    record Ack(Map<String, Long> counts, Map<String, Map<Integer, Long>> offsets, long rejected) {
    }
}
