package io.hourglass.writer;

import io.hourglass.core.Envelope;
import io.hourglass.core.EnvelopeHeader;
import io.hourglass.core.control.BucketId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Events staged in memory for one partition of one bucket, deduplicated by id (the first copy wins). */
final class BucketStage {
    private final BucketId bucket;
    private final int partition;
    private final Map<String, Staged> events = new LinkedHashMap<>();
    private long duplicates;
    private long minOffset = Long.MAX_VALUE;

    /** An event as it sits in Kafka: its header, its raw bytes, and whether it arrived after its hour closed. */
    record Staged(long offset, EnvelopeHeader header, byte[] raw, boolean late) {
        Envelope event() {
            Envelope e = Envelope.parse(raw);
            return late ? e.asLate() : e;
        }
    }

    BucketStage(BucketId bucket, int partition) {
        this.bucket = bucket;
        this.partition = partition;
    }

    /** Adds an event; returns false (and counts it) when its id is already staged. */
    boolean add(Staged s) {
        minOffset = Math.min(minOffset, s.offset());
        if (events.putIfAbsent(s.header().id(), s) != null) {
            duplicates++;
            return false;
        }
        return true;
    }

    /** Counts a late copy of an event that already sits in a closed bucket. */
    void duplicateOfClosed(long offset) {
        minOffset = Math.min(minOffset, offset);
        duplicates++;
    }

    boolean contains(String id, long upToOffset) {
        Staged s = events.get(id);
        return s != null && s.offset() <= upToOffset;
    }

    /** Staged events at or below {@code sealOffset}, in offset order of first arrival. */
    List<Staged> upTo(long sealOffset) {
        List<Staged> in = new ArrayList<>();
        events.values().forEach(s -> {
            if (s.offset() <= sealOffset) {
                in.add(s);
            }
        });
        return in;
    }

    /** Staged events beyond {@code sealOffset}: they arrived after the seal and are late. */
    List<Staged> beyond(long sealOffset) {
        List<Staged> out = new ArrayList<>();
        events.values().forEach(s -> {
            if (s.offset() > sealOffset) {
                out.add(s);
            }
        });
        return out;
    }

    BucketId bucket() {
        return bucket;
    }

    int partition() {
        return partition;
    }

    long duplicates() {
        return duplicates;
    }

    /** Lowest offset this stage depends on; offsets may be committed only below it. */
    long minOffset() {
        return minOffset;
    }

    int size() {
        return events.size();
    }
}
