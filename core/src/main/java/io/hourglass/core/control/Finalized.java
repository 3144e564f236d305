package io.hourglass.core.control;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;

/** A writer has written (or found) the final file of one partition of a sealed bucket. */
public record Finalized(
        String type,
        Instant hour,
        int partition,
        String file,
        long events,
        long duplicatesDropped,
        long lateEvents,
        Map<String, Long> hosts,
        Instant finalizedAt) {

    public Finalized {
        requireNonNull(type, "type is null");
        requireNonNull(hour, "hour is null");
        hosts = Map.copyOf(hosts);
        requireNonNull(finalizedAt, "finalizedAt is null");
    }

    public BucketId bucket() {
        return new BucketId(type, hour);
    }

    public String key() {
        return bucket().key() + "|" + partition;
    }
}
