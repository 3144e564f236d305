package io.hourglass.core.control;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;
import java.util.OptionalInt;

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

    /** Kafka key: the bucket's, then {@code |<partition>}. Its record's timestamp is {@code finalizedAt}. */
    public String key() {
        return bucket().key() + "|" + partition;
    }

    /**
     * The partition a finalized record's key names, if it has the form of {@link #key()}: with the bucket
     * ({@link BucketId#ofKey}) and the record's timestamp, all that a reader who needs no tally of hosts needs.
     */
    public static OptionalInt partitionOfKey(String key) {
        if (BucketId.ofKey(key).isEmpty()) {
            return OptionalInt.empty();
        }
        String[] parts = key.split("\\|", -1);
        if (parts.length != 3) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(parts[2]));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
