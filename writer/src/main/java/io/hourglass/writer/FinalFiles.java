package io.hourglass.writer;

import io.hourglass.core.FailPoints;
import io.hourglass.core.HourglassException;
import io.hourglass.core.control.Seal;
import io.hourglass.core.lake.LakeRecords;
import io.hourglass.core.lake.LakeStore;
import io.hourglass.core.registry.EventType;
import io.hourglass.core.registry.Registry;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a sealed partition-hour's final file from its stage, once its copies are found: the stage's own, and those
 * of the closed buckets. Each call writes one file; the writer runs a round's calls side by side on its finalizer
 * threads.
 */
final class FinalFiles {
    private static final Logger log = LoggerFactory.getLogger(FinalFiles.class);
    private final Supplier<Registry> registry;
    private final LakeStore lake;
    private final AvroCodec codec;
    private final int dedupMemoryIds;
    private final ClosedIds closedIds;
    private final Counter filesFromBlocks;

    /** What a finalize wrote or found written: what its seal takes in, the copies dropped, the ids' index. */
    record Written(BucketStage.Sealed sealed, long duplicates, IdIndex ids) {
    }

    FinalFiles(Supplier<Registry> registry, LakeStore lake, AvroCodec codec, int dedupMemoryIds, ClosedIds closedIds,
               Counter filesFromBlocks) {
        this.registry = registry;
        this.lake = lake;
        this.codec = codec;
        this.dedupMemoryIds = dedupMemoryIds;
        this.closedIds = closedIds;
        this.filesFromBlocks = filesFromBlocks;
    }

    /**
     * Deduplicates the stage of {@code seal}'s partition and writes its file at {@code path}, unless a run before a
     * restart did; either way, what it holds. The caller owns the returned index.
     */
    Written write(Seal seal, int partition, BucketStage stage, String path) throws IOException {
        long sealOffset = seal.offset(partition);
        IdIndex.Built ids = stage.deduplicate(sealOffset, closedIds.file(seal.bucket(), partition), dedupMemoryIds);
        try {
            BucketStage.Sealed in;
            if (ids.index().size() > 0 && !lake.exists(path)) {
                in = writeFile(path, seal.type(), stage, sealOffset, ids);
            } else {
                if (ids.index().size() > 0) {
                    log.info("{} already exists (written before a restart); keeping it", path);
                }
                in = stage.sealed(sealOffset, ids);
            }
            return new Written(in, ids.drops().length, ids.index());
        } catch (IOException | RuntimeException e) {
            ClosedIds.closeQuietly(ids.index());
            throw e;
        }
    }

    /**
     * Writes the final file: a header and the stage's blocks when the seal takes in every staged event as the blocks
     * hold it (no copies, none beyond the seal, all in the blocks); otherwise in one pass over the spill file, adding
     * up what it took in on the way.
     */
    private BucketStage.Sealed writeFile(String path, String typeName, BucketStage stage, long sealOffset,
                                         IdIndex.Built ids) throws IOException {
        EventType type = registry.get().find(typeName).orElseThrow(() -> new HourglassException(
                "type " + typeName + " is no longer registered; re-register it to finalize its buckets"));
        int version = stage.maxVersion(sealOffset);
        Schema payload = type.schema(version).orElseThrow(() -> new HourglassException(
                "type " + typeName + " lost schema version " + version));
        Schema schema = LakeRecords.schema(typeName, payload);
        String lateHours = LateHours.format(stage.lateHours(sealOffset));
        if (stage.takesInAllBlocks(sealOffset, ids)) {
            lake.writeAtomically(path, out -> {
                try (DataFileWriter<GenericData.Record> w = finalFile(schema, version, lateHours)) {
                    w.create(schema, out, stage.blocksSync());
                    w.flush();
                    stage.copyBlocksTo(out, () -> FailPoints.reached("writer.mid-file"));
                }
            });
            filesFromBlocks.increment();
            return stage.sealedAll();
        }
        BucketStage.Tally tally = new BucketStage.Tally();
        lake.writeAtomically(path, out -> {
            try (DataFileWriter<GenericData.Record> w = finalFile(schema, version, lateHours)) {
                w.setSyncInterval(codec.blockBytes());
                // The default encoder writes byte by byte into a synchronized stream: twice the cost per record.
                w.setEncoder(o -> EncoderFactory.get().binaryEncoder(o, null));
                w.create(schema, out);
                LakeFileAppender appender = new LakeFileAppender(w, type, version, payload);
                stage.read(true, e -> {
                    if (e.offset() <= sealOffset && !ids.dropped(e.index())) {
                        appender.append(e);
                        tally.add(e);
                        if (tally.events() == ids.index().size() / 2 + 1) {
                            w.flush();
                            FailPoints.reached("writer.mid-file");
                        }
                    }
                });
            }
        });
        return tally.sealed();
    }

    /** A final file, not yet created: its codec and metadata. */
    private DataFileWriter<GenericData.Record> finalFile(Schema schema, int version, String lateHours) {
        DataFileWriter<GenericData.Record> w = new DataFileWriter<>(new GenericDatumWriter<>(schema));
        w.setCodec(codec.factory());
        w.setMeta("hourglass.schema_version", version);
        w.setMeta(LateHours.META, lateHours);
        return w;
    }
}
