package io.hourglass.writer;

import io.hourglass.core.HourglassException;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.lake.LakeStore;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ids in the final files of closed partition-hours, as {@link IdIndex} files on local disk: handed over by the
 * finalize that wrote the file, or built from the file in the lake when first asked (after a restart, or once
 * forgotten). The least recently used are deleted once the indexes take more than {@code maxBytes} on disk in all.
 * Also the hours of the late events that each file lists ({@link LateHours}), read from its header. Used by one
 * thread.
 */
final class ClosedIds implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(ClosedIds.class);
    /** Closed files are final, so what they list never changes; most list no hour or a few. */
    private static final int LATE_HOURS_KEPT = 100_000;
    private final LakeStore lake;
    private final Path dir;
    private final long maxBytes;
    private final int memoryIds;
    private final Runnable checked;
    private final Map<String, IdIndex> cache = new LinkedHashMap<>(16, 0.75f, true);
    /** Keyed by value, not by the file's path: a late event a month late asks for 720 of them. */
    private final Map<PartitionHour, LateHours> lateHours = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PartitionHour, LateHours> eldest) {
            return size() > LATE_HOURS_KEPT;
        }
    };
    private long cachedBytes;

    private record PartitionHour(BucketId bucket, int partition) {
    }

    /** {@code checked} runs each time the ids of a closed partition-hour are looked into. */
    ClosedIds(LakeStore lake, Path dir, long maxBytes, int memoryIds, Runnable checked) {
        this.lake = lake;
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.memoryIds = memoryIds;
        this.checked = checked;
    }

    /** Where the index of a partition-hour is built. */
    Path file(BucketId bucket, int partition) {
        return dir.resolve(bucket.type() + "-" + partition + "-" + bucket.hour().getEpochSecond() + ".ids");
    }

    boolean contains(BucketId bucket, int partition, String id) {
        checked.run();
        String path = path(bucket, partition);
        IdIndex ids = cache.get(path);
        if (ids == null) {
            ids = load(path, file(bucket, partition));
            remember(path, ids);
        }
        return ids.contains(id);
    }

    /**
     * Whether the final file of a closed partition-hour may hold a late event of {@code hour}: it lists the hours of
     * its late events (read from the file's header once), or is older than that list and may hold any.
     */
    boolean mayHoldLateOf(BucketId bucket, int partition, Instant hour) {
        PartitionHour key = new PartitionHour(bucket, partition);
        LateHours listed = lateHours.get(key);
        if (listed == null) {
            listed = readLateHours(path(bucket, partition));
            lateHours.put(key, listed);
        }
        return listed.mayHold(hour);
    }

    private LateHours readLateHours(String path) {
        if (!lake.exists(path)) {
            return LateHours.NONE;
        }
        try (InputStream in = lake.open(path);
             DataFileStream<GenericRecord> records = new DataFileStream<>(in, new GenericDatumReader<>())) {
            return LateHours.parse(records.getMetaString(LateHours.META));
        } catch (IOException e) {
            throw new HourglassException("cannot read the header of closed file " + path + ": " + e.getMessage(), e);
        }
    }

    /** Takes over the index of a partition-hour's final file. */
    void remember(BucketId bucket, int partition, IdIndex ids) {
        remember(path(bucket, partition), ids);
    }

    private void remember(String path, IdIndex ids) {
        IdIndex old = cache.put(path, ids);
        cachedBytes += ids.bytes();
        if (old != null) {
            cachedBytes -= old.bytes();
            if (old != ids) {
                closeQuietly(old);
            }
        }
        Iterator<IdIndex> eldest = cache.values().iterator();
        while (cachedBytes > maxBytes && cache.size() > 1) {
            IdIndex gone = eldest.next();
            cachedBytes -= gone.bytes();
            eldest.remove();
            closeQuietly(gone);
        }
    }

    private static String path(BucketId bucket, int partition) {
        return "lake/" + bucket.path() + "/" + Writer.fileName(partition);
    }

    /** Builds the index of a final file from the lake: one pass to count its ids, one to index them. */
    private IdIndex load(String path, Path file) {
        try {
            if (!lake.exists(path)) {
                return IdIndex.build(file, keys -> { }, 0, memoryIds).index();
            }
            long count = 0;
            try (InputStream in = lake.open(path);
                 DataFileStream<GenericRecord> records = new DataFileStream<>(in, new GenericDatumReader<>())) {
                while (records.hasNext()) {
                    records.nextBlock();
                    count += records.getBlockCount();
                }
            }
            long started = System.nanoTime();
            IdIndex ids = IdIndex.build(file, keys -> readIds(path, keys), count, memoryIds).index();
            log.info("Indexed the {} ids of {} in {} ms, to drop late copies of its events", count, path,
                    (System.nanoTime() - started) / 1_000_000);
            return ids;
        } catch (IOException e) {
            throw new HourglassException("cannot read ids of closed file " + path + ": " + e.getMessage(), e);
        }
    }

    private void readIds(String path, IdIndex.KeyVisitor keys) throws IOException {
        GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>();
        try (InputStream in = lake.open(path);
             DataFileStream<GenericRecord> records = new DataFileStream<>(in, reader)) {
            Schema written = records.getSchema();
            reader.setExpected(SchemaBuilder.record(written.getName()).namespace(written.getNamespace()).fields()
                    .requiredString("id").endRecord());
            long index = 0;
            GenericRecord r = null;
            while (records.hasNext()) {
                r = records.next(r);
                long[] key = IdOffsets.key(r.get("id").toString());
                keys.key(key[0], key[1], 0, index++);
            }
        }
    }

    /** Closes and deletes an index, logging a failure to delete it. */
    static void closeQuietly(IdIndex ids) {
        try {
            ids.close();
        } catch (IOException e) {
            log.warn("Could not delete id index {}: {}", ids.file(), e.getMessage());
        }
    }

    /** Closes and deletes every index. */
    @Override
    public void close() {
        cache.values().forEach(ClosedIds::closeQuietly);
        cache.clear();
        cachedBytes = 0;
    }
}
