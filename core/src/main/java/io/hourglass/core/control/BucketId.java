package io.hourglass.core.control;

import static java.util.Objects.requireNonNull;

import io.hourglass.core.Hours;
import java.time.Instant;

/** One hourly bucket: an event type and the UTC hour of {@code logged_at}. */
public record BucketId(String type, Instant hour) implements Comparable<BucketId> {
    public BucketId {
        requireNonNull(type, "type is null");
        requireNonNull(hour, "hour is null");
    }

    /** Path of the bucket under the lake root: {@code <type>/dt=YYYY-MM-DD/hour=HH}. */
    public String path() {
        return type + "/" + Hours.partitionPath(hour);
    }

    /** Where the bucket's {@code _SUCCESS} manifest is in the lake store: it exists once the bucket is closed. */
    public String successPath() {
        return "lake/" + path() + "/_SUCCESS";
    }

    /** Kafka key of control records about this bucket. */
    public String key() {
        return type + "|" + hour;
    }

    @Override
    public int compareTo(BucketId o) {
        int c = hour.compareTo(o.hour);
        return c != 0 ? c : type.compareTo(o.type);
    }

    @Override
    public String toString() {
        return type + "@" + hour;
    }
}
