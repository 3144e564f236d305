package io.hourglass.writer;

import com.carrotsearch.hppc.ObjectLongHashMap;
import com.carrotsearch.hppc.procedures.ObjectLongProcedure;
import io.hourglass.core.EnvelopeHeader;
import io.hourglass.core.MemoryBudget;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.lake.LakeRecords;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * Events staged for one partition of one bucket. They wait in a {@link SpillFile} on local disk, every copy as it
 * came, and are deduplicated by id when the bucket is sealed ({@link #deduplicate}: the copy with the lowest offset
 * wins), with bounded memory; so the heap grows neither with the size nor with the number of the events. The ids of
 * late events are kept apart, to find late copies of one event in the buckets of several hours: on the heap within the
 * writer's budget for them, beyond it in a file beside the spill file ({@link LateIdSlots}).
 */
final class BucketStage implements Closeable {
    private final BucketId bucket;
    private final int partition;
    private final Path spillPath;
    private final BlockMemory blockMemory;
    private final LateIdSlots lateIdSlots;
    private final IdOffsets lateIds;
    private SpillFile spill;
    private long events;
    /** Events whose bytes are in the spill file's frames, not in its blocks. */
    private long inFrames;
    /** The schema version of the records in the blocks, 0 before the first. */
    private int blocksVersion;
    /** What a seal that takes in every staged event takes in. */
    private final Tally staged;
    private long duplicatesOfClosed;
    private long minOffset = Long.MAX_VALUE;
    private long maxOffset = -1;
    /** Each schema version staged, with the offset where it first appeared: few, and enough to tell the newest. */
    private final Map<Integer, Long> versions = new TreeMap<>();
    /** The own hours of the late events, each with the offset where it first appeared: what the file lists. */
    private final Map<Instant, Long> lateHours = new TreeMap<>();

    /** An event to stage: its envelope, its bytes in their form, and whether it arrived after its hour closed. */
    record Staged(long offset, EnvelopeHeader header, byte[] raw, SpillFile.Form form, boolean late) {
        Staged asLate() {
            return new Staged(offset, header, raw, form, true);
        }
    }

    /** What a seal takes in: the events, the newest schema version among them, the late ones, and counts by host. */
    record Sealed(long events, int maxVersion, long late, Map<String, Long> hosts) { }

    /**
     * Adds up a {@link Sealed} from the events a seal takes in, as they are read. A stage's own tally lives until its
     * bucket closes, with an entry for every host of a fleet: a map of primitives, its names from the writer's pool.
     */
    static final class Tally {
        private final UnaryOperator<String> names;
        private long events;
        private long late;
        private int maxVersion;
        private final ObjectLongHashMap<String> hosts = new ObjectLongHashMap<>();
        /** Events come in runs from one host (a pack is one agent's): a run is counted into the map when it ends. */
        private String runHost;
        private long run;

        /** A tally that keeps its hosts' names as given: one that lives only while a final file is written. */
        Tally() {
            this(UnaryOperator.identity());
        }

        /** A tally that counts each host under the name that {@code names} gives for it. */
        Tally(UnaryOperator<String> names) {
            this.names = names;
        }

        void add(SpillFile.Spilled e) {
            add(e.host(), e.late(), e.version());
        }

        void add(String host, boolean isLate, int version) {
            events++;
            late += isLate ? 1 : 0;
            maxVersion = Math.max(maxVersion, version);
            if (!host.equals(runHost)) {
                endRun();
                runHost = host;
            }
            run++;
        }

        long events() {
            return events;
        }

        Sealed sealed() {
            endRun();
            Map<String, Long> byHost = new TreeMap<>();
            hosts.forEach((ObjectLongProcedure<String>) byHost::put);
            return new Sealed(events, maxVersion, late, byHost);
        }

        private void endRun() {
            if (run > 0) {
                hosts.addTo(names.apply(runHost), run);
                run = 0;
            }
        }
    }

    /**
     * A stage whose spill file, created on the first event, is {@code spillPath}; its blocks, if {@code blockMemory}
     * makes them, share that memory with the writer's other stages; the ids of its late events share the heap of
     * {@code lateIdMemory} with theirs, and it counts its hosts by the names in {@code hostNames}.
     */
    BucketStage(BucketId bucket, int partition, Path spillPath, BlockMemory blockMemory, MemoryBudget lateIdMemory,
                HostNamePool hostNames) {
        this.bucket = bucket;
        this.partition = partition;
        this.spillPath = spillPath;
        this.blockMemory = blockMemory;
        this.lateIdSlots = new LateIdSlots(lateIdMemory, Path.of(spillPath + ".late"),
                bucket + " partition " + partition);
        this.lateIds = new IdOffsets(lateIdSlots);
        this.staged = new Tally(hostNames::canonical);
    }

    /** Adds an event, duplicate or not. */
    void add(Staged s) throws IOException {
        minOffset = Math.min(minOffset, s.offset());
        maxOffset = Math.max(maxOffset, s.offset());
        // If the append fails, the writer drops this partition's stages and reads them again from Kafka.
        if (spill == null) {
            spill = new SpillFile(spillPath, blockMemory);
        }
        int version = s.header().version();
        versions.merge(version, s.offset(), Math::min);
        String host = s.header().host() == null ? "" : s.header().host();
        long[] key = IdOffsets.key(s.header().id());
        boolean inBlocks = spill.hasBlocks() && s.form() == SpillFile.Form.AVRO_CHECKED
                && (blocksVersion == 0 || blocksVersion == version);
        if (inBlocks) {
            blocksVersion = version;
            if (s.late()) {
                s.raw()[LakeRecords.envelope(s.raw()).lateAt()] = 1;  // as the final file has it
            }
        }
        spill.append(s.offset(), s.late(), s.form(), version, key, host, s.raw(), inBlocks);
        events++;
        inFrames += inBlocks ? 0 : 1;
        staged.add(host, s.late(), version);
        if (s.late()) {
            lateIds.putIfAbsent(s.header().id(), s.offset());
            lateHours.merge(s.header().hour(), s.offset(), Math::min);
        }
    }

    /** Counts a late copy of an event that already sits in a closed bucket. */
    void duplicateOfClosed(long offset) {
        minOffset = Math.min(minOffset, offset);
        duplicatesOfClosed++;
    }

    /** Whether the ids of the late events have moved from the heap to the staging disk. */
    boolean lateIdsOnDisk() {
        return lateIdSlots.onDisk();
    }

    /** Whether a late event with this id is staged at or below {@code upToOffset}. */
    boolean containsLate(String id, long upToOffset) {
        long offset = lateIds.offset(id);
        return offset >= 0 && offset <= upToOffset;
    }

    /**
     * The distinct ids of the events a seal at {@code sealOffset} takes in, as an index at {@code indexFile}, and the
     * copies to drop; at most about {@code memoryIds} ids are held in memory at once.
     */
    IdIndex.Built deduplicate(long sealOffset, Path indexFile, int memoryIds) throws IOException {
        return IdIndex.build(indexFile, keys -> {
            if (spill != null) {
                spill.readKeys((high, low, offset, index) -> {
                    if (offset <= sealOffset) {
                        keys.key(high, low, offset, index);
                    }
                });
            }
        }, events, memoryIds);
    }

    /**
     * Whether a seal at {@code sealOffset} that drops {@code ids}' copies takes in every staged event, each as the
     * blocks hold it: then its final file is a header and the blocks ({@link #copyBlocksTo}).
     */
    boolean takesInAllBlocks(long sealOffset, IdIndex.Built ids) {
        return events > 0 && inFrames == 0 && maxOffset <= sealOffset && ids.drops().length == 0;
    }

    /** What a seal that {@link #takesInAllBlocks} takes in, known without reading the spill file. */
    Sealed sealedAll() {
        return staged.sealed();
    }

    /** The sync marker of the blocks, which a final file made of them must carry in its header. */
    byte[] blocksSync() {
        return spill.sync();
    }

    /** Copies the blocks, every staged record compressed; {@code halfway} runs after about half of them. */
    void copyBlocksTo(OutputStream out, Runnable halfway) throws IOException {
        spill.copyBlocksTo(out, halfway);
    }

    /** What a seal at {@code sealOffset} takes in, without the dropped copies; reads no event's bytes. */
    Sealed sealed(long sealOffset, IdIndex.Built ids) throws IOException {
        Tally tally = new Tally();
        read(false, e -> {
            if (e.offset() <= sealOffset && !ids.dropped(e.index())) {
                tally.add(e);
            }
        });
        return tally.sealed();
    }

    /**
     * The newest schema version among the events a seal at {@code sealOffset} takes in, known without reading them;
     * copies of an event count too (they are the same event, so of the same version, unless a producer reused an id).
     */
    int maxVersion(long sealOffset) {
        int max = 0;
        for (Map.Entry<Integer, Long> v : versions.entrySet()) {
            if (v.getValue() <= sealOffset) {
                max = Math.max(max, v.getKey());
            }
        }
        return max;
    }

    /** The own hours of the late events a seal at {@code sealOffset} takes in, known without reading them. */
    Set<Instant> lateHours(long sealOffset) {
        Set<Instant> hours = new TreeSet<>();
        lateHours.forEach((hour, first) -> {
            if (first <= sealOffset) {
                hours.add(hour);
            }
        });
        return hours;
    }

    /** Every staged event, in the order it was staged. */
    void read(boolean withBytes, SpillFile.Visitor visitor) throws IOException {
        if (spill != null) {
            spill.read(withBytes, visitor);
        }
    }

    BucketId bucket() {
        return bucket;
    }

    int partition() {
        return partition;
    }

    /** Late copies of events already in a closed bucket, which were never staged. */
    long duplicatesOfClosed() {
        return duplicatesOfClosed;
    }

    /** Lowest offset this stage depends on; offsets may be committed only below it. */
    long minOffset() {
        return minOffset;
    }

    /** Highest offset staged, -1 when nothing is. */
    long maxOffset() {
        return maxOffset;
    }

    /** Events staged, copies included. */
    long size() {
        return events;
    }

    /** Deletes the spill file, and lets the late ids go. */
    @Override
    public void close() throws IOException {
        lateIds.close();
        if (spill != null) {
            spill.close();
        }
    }
}
