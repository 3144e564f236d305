package io.hourglass.core.control;

import static java.util.Objects.requireNonNull;

import io.hourglass.core.Hours;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

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

    /**
     * The bucket a control record's key names: {@link #key()}, or that and {@code |<partition>} as a finalized
     * partition's. Empty for a key of another form. Reading it costs nothing next to a value that names every host.
     */
    public static Optional<BucketId> ofKey(String key) {
        int bar = key == null ? -1 : key.indexOf('|');
        if (bar <= 0) {
            return Optional.empty();
        }
        int end = key.indexOf('|', bar + 1);
        try {
            return Optional.of(new BucketId(key.substring(0, bar),
                    Instant.parse(key.substring(bar + 1, end < 0 ? key.length() : end))));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
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
