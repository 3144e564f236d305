package io.hourglass.core.control;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The completionist's decision that bucket ({@code type}, {@code hour}) holds exactly the events of that hour at or
 * below {@code offsets} (partition → offset, -1 for none), and the late events that arrived in it. Events of the hour
 * beyond it are late.
 */
public record Seal(
        String type,
        Instant hour,
        Map<Integer, Long> offsets,
        boolean complete,
        List<String> expectedHosts,
        List<String> missingHosts,
        Instant sealedAt) {

    public Seal {
        requireNonNull(type, "type is null");
        requireNonNull(hour, "hour is null");
        offsets = Map.copyOf(offsets);
        expectedHosts = List.copyOf(expectedHosts);
        missingHosts = List.copyOf(missingHosts);
        requireNonNull(sealedAt, "sealedAt is null");
    }

    public long offset(int partition) {
        return offsets.getOrDefault(partition, -1L);
    }

    /** This seal, reaching at least to {@code ends} (partition → offset) in every partition. */
    public Seal reaching(Map<Integer, Long> ends) {
        Map<Integer, Long> merged = new TreeMap<>(offsets);
        ends.forEach((p, o) -> merged.merge(p, o, Math::max));
        return new Seal(type, hour, merged, complete, expectedHosts, missingHosts, sealedAt);
    }

    /** This seal in its {@link ClosedForm}: the bucket's {@code _SUCCESS} names its hosts. */
    public Seal withoutHosts() {
        return new Seal(type, hour, offsets, complete, List.of(), List.of(), sealedAt);
    }

    public BucketId bucket() {
        return new BucketId(type, hour);
    }
}
