package io.hourglass.writer;

import static java.util.Objects.requireNonNull;

import io.hourglass.core.EventTypes;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of a writer.
 *
 * @param lane           the lane whose event types this writer consumes; one consumer group per lane
 * @param instanceId     distinguishes writers of the same lane in logs and client ids
 * @param commitInterval how often consumed offsets are committed (never past an unfinalized bucket)
 * @param retryInterval  pause before retrying a failed finalize or spill, e.g. while a disk is full
 * @param stagingDir     local folder for the events of open buckets (not durable; rebuilt from Kafka after a crash)
 * @param codec          how the final Avro files are compressed
 * @param dedupMemoryIds ids that one finalize deduplicates in memory at once (32-64 bytes each); a partition-hour with
 *                       more goes through scratch files on the staging disk
 * @param blockMemory    heap bytes for the final file's blocks that open partition-hours fill as events come, shared
 *                       among two open hours of each partition the writer owns (blocks of the codec's size, smaller
 *                       down to 64 KiB when they do not all fit); the partition-hours beyond it stage their events
 *                       whole, and their files are encoded and compressed at the seal instead (0: all of them)
 * @param lateIdMemory   heap bytes for the ids of late events in open partition-hours (24 bytes a slot, 40-68 bytes an
 *                       id), which the writer checks later copies against; a partition-hour whose table does not fit
 *                       keeps it in a file on the staging disk instead (0: all of them)
 */
public record WriterConfig(String lane, String instanceId, Duration commitInterval, Duration retryInterval,
                           Path stagingDir, AvroCodec codec, int dedupMemoryIds, long blockMemory,
                           long lateIdMemory) {
    /** Half a million ids: 16-32 MB of heap for each of a writer's finalize threads. */
    public static final int DEFAULT_DEDUP_MEMORY_IDS = 1 << 19;
    /** Full zstandard blocks for 34 open partition-hours (17 partitions at an hour's turn), 256 at the least size. */
    public static final long DEFAULT_BLOCK_MEMORY = 16L << 20;
    /** 300k late ids of a partition-hour on the heap, more over several: a host back from an outage sends millions. */
    public static final long DEFAULT_LATE_ID_MEMORY = 32L << 20;

    public WriterConfig {
        if (!EventTypes.isValidName(lane)) {
            throw new IllegalArgumentException("writer.lane '" + lane + "' is not a valid lane name");
        }
        if (instanceId == null || !instanceId.matches("[A-Za-z0-9_-][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("writer.instance-id '" + instanceId + "' must be letters, digits, '_',"
                    + " '-' or '.' (it names the writer's staging folder)");
        }
        if (commitInterval.isNegative() || retryInterval.isNegative()) {
            throw new IllegalArgumentException("writer intervals must not be negative");
        }
        requireNonNull(stagingDir, "writer.staging-dir is null");
        requireNonNull(codec, "writer.codec is null");
        if (dedupMemoryIds < 16) {
            throw new IllegalArgumentException("writer.dedup-memory-ids must be at least 16, not " + dedupMemoryIds);
        }
        if (blockMemory < 0) {
            throw new IllegalArgumentException("writer.block-memory must not be negative, not " + blockMemory);
        }
        if (lateIdMemory < 0) {
            throw new IllegalArgumentException("writer.late-id-memory must not be negative, not " + lateIdMemory);
        }
    }

    public static WriterConfig defaults(String lane, Path stagingDir) {
        return new WriterConfig(lane, "1", Duration.ofSeconds(1), Duration.ofSeconds(5), stagingDir,
                AvroCodec.ZSTANDARD, DEFAULT_DEDUP_MEMORY_IDS, DEFAULT_BLOCK_MEMORY, DEFAULT_LATE_ID_MEMORY);
    }

    public String groupId() {
        return "hourglass-writer-" + lane;
    }
}
