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
    /** Each schema version staged, with the offset where it first appeared: few, and enough to tell the newest. */
    private final Map<Integer, Long> versions = new TreeMap<>();

    /** An event to stage: its envelope, its bytes in their form, and whether it arrived after its hour closed. */
    record Staged(long offset, EnvelopeHeader header, byte[] raw, SpillFile.Form form, boolean late) {
        Staged asLate() {
            return new Staged(offset, header, raw, form, true);
        }
    }

    /** What a seal takes in: the events, the newest schema version among them, the late ones, and counts by host. */
    record Sealed(long events, int maxVersion, long late, Map<String, Long> hosts) { }

    /** Adds up a {@link Sealed} from the events a seal takes in, as they are read. */
    static final class Tally {
        private long events;
        private long late;
        private int maxVersion;
        private final Map<String, Long> hosts = new TreeMap<>();

        void add(SpillFile.Spilled e) {
            events++;
            late += e.late() ? 1 : 0;
            maxVersion = Math.max(maxVersion, e.version());
            hosts.merge(e.host(), 1L, Long::sum);
        }

        long events() {
            return events;
        }

        Sealed sealed() {
            return new Sealed(events, maxVersion, late, hosts);
        }
    }

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
        versions.merge(s.header().version(), s.offset(), Math::min);
        String host = s.header().host() == null ? "" : s.header().host();
        spill.append(s.offset(), s.late(), s.form(), s.header().version(), host, s.raw());
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
        Tally tally = new Tally();
        read(false, e -> {
            if (e.offset() <= sealOffset) {
                tally.add(e);
            }
        });
        return tally.sealed();
    }

    /** The newest schema version among the events a seal at {@code sealOffset} takes in, known without reading them. */
    int maxVersion(long sealOffset) {
        int max = 0;
        for (Map.Entry<Integer, Long> v : versions.entrySet()) {
            if (v.getValue() <= sealOffset) {
                max = Math.max(max, v.getKey());
            }
        }
        return max;
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
