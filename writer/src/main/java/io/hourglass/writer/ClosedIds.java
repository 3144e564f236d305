package io.hourglass.writer;

import io.hourglass.core.HourglassException;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.lake.LakeStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;

/**
 * Ids in the final files of closed partition-hours, read lazily from the lake and cached, least recently used first
 * out once the cache holds more than {@code maxIds} ids in all.
 */
final class ClosedIds {
    private final LakeStore lake;
    private final long maxIds;
    private final Map<String, IdOffsets> cache = new LinkedHashMap<>(16, 0.75f, true);
    private long cachedIds;

    ClosedIds(LakeStore lake, long maxIds) {
        this.lake = lake;
        this.maxIds = maxIds;
    }

    boolean contains(BucketId bucket, int partition, String id) {
        String path = path(bucket, partition);
        IdOffsets ids = cache.get(path);
        if (ids == null) {
            ids = load(path);
            remember(path, ids);
        }
        return ids.contains(id);
    }

    void remember(BucketId bucket, int partition, IdOffsets ids) {
        remember(path(bucket, partition), ids);
    }

    private void remember(String path, IdOffsets ids) {
        IdOffsets old = cache.put(path, ids);
        cachedIds += ids.size() - (old == null ? 0 : old.size());
        Iterator<IdOffsets> eldest = cache.values().iterator();
        while (cachedIds > maxIds && cache.size() > 1) {
            cachedIds -= eldest.next().size();
            eldest.remove();
        }
    }

    private static String path(BucketId bucket, int partition) {
        return "lake/" + bucket.path() + "/" + Writer.fileName(partition);
    }

    private IdOffsets load(String path) {
        IdOffsets ids = new IdOffsets();
        if (!lake.exists(path)) {
            return ids;
        }
        try (InputStream in = lake.open(path);
             DataFileStream<GenericRecord> records = new DataFileStream<>(in, new GenericDatumReader<>())) {
            for (GenericRecord r : records) {
                ids.putIfAbsent(r.get("id").toString(), 0);
            }
        } catch (IOException e) {
            throw new HourglassException("cannot read ids of closed file " + path + ": " + e.getMessage(), e);
        }
        return ids;
    }
}
