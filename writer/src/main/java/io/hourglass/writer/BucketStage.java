package io.hourglass.writer;

import io.hourglass.core.EnvelopeHeader;
import io.hourglass.core.control.BucketId;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Events staged for one partition of one bucket, deduplicated by id (the first copy wins). The events themselves wait
 * in a {@link SpillFile} on local disk; memory holds only their ids and offsets, so heap does not grow with the
 * size of the events.
 */
final class BucketStage implements Closeable {
    private final BucketId bucket;
    private final int partition;
    private final Path spillPath;
    private final IdOffsets ids = new IdOffsets();
    private SpillFile spill;
    private long duplicates;
    private long minOffset = Long.MAX_VALUE;

    /** An event as it sits in Kafka: its header, its raw bytes, and whether it arrived after its hour closed. */
    record Staged(long offset, EnvelopeHeader header, byte[] raw, boolean late) { }

    /** What a seal takes in: the events, the newest schema version among them, the late ones, and counts by host. */
    record Sealed(long events, int maxVersion, long late, Map<String, Long> hosts) { }

    /** A stage whose spill file, created on the first event, is {@code spillPath}. */
    BucketStage(BucketId bucket, int partition, Path spillPath) {
        this.bucket = bucket;
        this.partition = partition;
        this.spillPath = spillPath;
    }

    /** Adds an event; returns false (and counts it) when its id is already staged. */
    boolean add(Staged s) throws IOException {
        minOffset = Math.min(minOffset, s.offset());
        if (!ids.putIfAbsent(s.header().id(), s.offset())) {
            duplicates++;
            return false;
        }
        // If the append fails, the writer drops this partition's stages and reads them again from Kafka.
        if (spill == null) {
            spill = new SpillFile(spillPath);
        }
        String host = s.header().host() == null ? "" : s.header().host();
        spill.append(s.offset(), s.late(), s.header().version(), host, s.raw());
        return true;
    }

    /** Counts a late copy of an event that already sits in a closed bucket. */
    void duplicateOfClosed(long offset) {
        minOffset = Math.min(minOffset, offset);
        duplicates++;
    }

    boolean contains(String id, long upToOffset) {
        long offset = ids.offset(id);
        return offset >= 0 && offset <= upToOffset;
    }

    /** What a seal at {@code sealOffset} takes in; reads the spill file without the events' bytes. */
    Sealed sealed(long sealOffset) throws IOException {
        long[] count = {0, 0};
        int[] version = {0};
        Map<String, Long> hosts = new TreeMap<>();
        read(false, e -> {
            if (e.offset() <= sealOffset) {
                count[0]++;
                count[1] += e.late() ? 1 : 0;
                version[0] = Math.max(version[0], e.version());
                hosts.merge(e.host(), 1L, Long::sum);
            }
        });
        return new Sealed(count[0], version[0], count[1], hosts);
    }

    /** Every staged event, in offset order of first arrival. */
    void read(boolean withBytes, SpillFile.Visitor visitor) throws IOException {
        if (spill != null) {
            spill.read(withBytes, visitor);
        }
    }

    /** The ids of the staged events at or below {@code sealOffset}. */
    IdOffsets ids(long sealOffset) {
        return ids.upTo(sealOffset);
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
        return ids.size();
    }

    /** Deletes the spill file. */
    @Override
    public void close() throws IOException {
        if (spill != null) {
            spill.close();
        }
    }
}
