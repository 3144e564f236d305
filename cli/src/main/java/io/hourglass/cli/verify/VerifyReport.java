package io.hourglass.cli.verify;

import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.Manifest;
import java.util.List;
import java.util.Map;

/** What {@code hourglass verify} found. */
public record VerifyReport(
        Map<BucketId, Manifest> buckets,
        long events,
        long logged,
        long delivered,
        long rejected,
        long pending,
        List<String> violations) {

    VerifyReport(Map<BucketId, Manifest> buckets, long events, HostLogCheck logs, List<String> violations) {
        this(buckets, events, logs.logged(), logs.delivered(), logs.rejected(), logs.pending(), violations);
    }

    public VerifyReport {
        buckets = Map.copyOf(buckets);
        violations = List.copyOf(violations);
    }

    public boolean ok() {
        return violations.isEmpty();
    }

    public long incompleteBuckets() {
        return buckets.values().stream().filter(m -> !m.complete()).count();
    }

    public long duplicatesDropped() {
        return buckets.values().stream().mapToLong(Manifest::duplicatesDropped).sum();
    }

    public long lateEvents() {
        return buckets.values().stream().mapToLong(Manifest::lateEvents).sum();
    }
}
