package io.hourglass.core.control;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

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

    /** This partition in its {@link ClosedForm}: the bucket's {@code _SUCCESS} has its hosts' counts. */
    public Finalized withoutHosts() {
        return new Finalized(type, hour, partition, file, events, duplicatesDropped, lateEvents, Map.of(), finalizedAt);
    }

    public BucketId bucket() {
        return new BucketId(type, hour);
    }

    /**
     * A Kafka header of the record with {@code finalizedAt} (epoch milliseconds, 8 bytes big-endian). Not the
     * record's timestamp: a component's clock may run ahead of the broker's (a chaos run, a shifted bench phase), and
     * Kafka refuses timestamps more than an hour ahead.
     */
    public static final String AT_HEADER = "hourglass-finalized-at";

    /** Kafka key: the bucket's, then {@code |<partition>}. */
    public String key() {
        return bucket().key() + "|" + partition;
    }

    /** The record's headers: {@link #AT_HEADER}. */
    public Headers headers() {
        return new RecordHeaders().add(AT_HEADER,
                ByteBuffer.allocate(Long.BYTES).putLong(finalizedAt.toEpochMilli()).array());
    }

    /** {@code finalizedAt} from a record's {@link #AT_HEADER}, if it has a well-formed one. */
    public static Optional<Instant> atOf(Headers headers) {
        Header h = headers.lastHeader(AT_HEADER);
        if (h == null || h.value() == null || h.value().length != Long.BYTES) {
            return Optional.empty();
        }
        return Optional.of(Instant.ofEpochMilli(ByteBuffer.wrap(h.value()).getLong()));
    }

    /** What a finalized record's key names. */
    public record Key(BucketId bucket, int partition) {
    }

    /**
     * The bucket and partition a finalized record's key names, if it has the form of {@link #key()}: with
     * {@link #atOf}, all that a reader who needs no tally of hosts needs.
     */
    public static Optional<Key> ofKey(String key) {
        int bar = key == null ? -1 : key.lastIndexOf('|');
        if (bar < 0) {
            return Optional.empty();
        }
        String bucketKey = key.substring(0, bar);
        try {
            int partition = Integer.parseInt(key.substring(bar + 1));
            return BucketId.ofKey(bucketKey).filter(b -> b.key().equals(bucketKey)).map(b -> new Key(b, partition));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
