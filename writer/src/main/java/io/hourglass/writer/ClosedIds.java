package io.hourglass.writer;

import io.hourglass.core.HourglassException;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.lake.LakeStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;

/** Ids in the final files of closed partition-hours, read lazily from the lake and cached (least recently used). */
final class ClosedIds {
    private static final int CACHED_FILES = 64;
    private final LakeStore lake;
    private final Map<String, Set<String>> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Set<String>> eldest) {
            return size() > CACHED_FILES;
        }
    };

    ClosedIds(LakeStore lake) {
        this.lake = lake;
    }

    boolean contains(BucketId bucket, int partition, String id) {
        String path = "lake/" + bucket.path() + "/" + Writer.fileName(partition);
        return cache.computeIfAbsent(path, this::load).contains(id);
    }

    void remember(BucketId bucket, int partition, Set<String> ids) {
        cache.put("lake/" + bucket.path() + "/" + Writer.fileName(partition), Set.copyOf(ids));
    }

    private Set<String> load(String path) {
        Set<String> ids = new HashSet<>();
        if (!lake.exists(path)) {
            return ids;
        }
        try (InputStream in = lake.open(path);
             DataFileStream<GenericRecord> records = new DataFileStream<>(in, new GenericDatumReader<>())) {
            for (GenericRecord r : records) {
                ids.add(r.get("id").toString());
            }
        } catch (IOException e) {
            throw new HourglassException("cannot read ids of closed file " + path + ": " + e.getMessage(), e);
        }
        return ids;
    }
}
