package io.hourglass.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.core.EnvelopeHeader;
import io.hourglass.core.MemoryBudget;
import io.hourglass.core.avro.AvroBytes;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.lake.LakeRecordEncoder;
import io.hourglass.core.lake.LakeRecords;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lake records staged in the final file's blocks: copied behind a header at a seal, or read back one by one. */
class SpillBlocksTest {
    private final MemoryBudget lateIds = new MemoryBudget(64L << 20);
    private final HostNamePool names = new HostNamePool(Clock.systemUTC());
    private static final Instant H = Instant.parse("2026-01-01T10:00:00Z");
    private static final Schema V1 = new Schema.Parser().parse("""
            {"type":"record","name":"T","fields":[{"name":"text","type":"string"}]}""");
    private static final Schema V2 = new Schema.Parser().parse("""
            {"type":"record","name":"T","fields":[{"name":"text","type":"string"},
             {"name":"n","type":"int","default":0}]}""");
    /** Enough for two stages with blocks. */
    private static final long BUDGET = 2L * AvroCodec.ZSTANDARD.blockBytes();

    @TempDir
    Path dir;

    private final Random random = new Random(7);

    @Test
    void aSealThatTakesInEveryEventAsStagedIsAHeaderAndTheBlocks() throws IOException {
        BlockMemory memory = BlockMemory.of(AvroCodec.ZSTANDARD, BUDGET);
        BucketStage s = new BucketStage(new BucketId("T", H), 0, dir.resolve("s.spill"), memory, lateIds, names);
        List<String> ids = new ArrayList<>();
        List<Boolean> late = new ArrayList<>();
        long rawBytes = 0;
        for (int i = 0; i < 6000; i++) {
            BucketStage.Staged e = avro(i, 1, "host-" + i % 3, i % 7 == 0);
            ids.add(e.header().id());
            late.add(e.late());
            rawBytes += e.raw().length;
            s.add(e);
            assertThat(memory.held()).as("a block that fills").isBetween(1L, (long) memory.blockBytes());
        }
        IdIndex.Built all = s.deduplicate(5999, dir.resolve("ids"), 10_000);
        assertThat(s.takesInAllBlocks(5999, all)).isTrue();
        assertThat(s.sealedAll()).as("counted as the frames count it").isEqualTo(s.sealed(5999, all));

        ByteArrayOutputStream file = new ByteArrayOutputStream();
        Schema schema = LakeRecords.schema("T", V1);
        int[] halfway = {-1};
        try (DataFileWriter<GenericData.Record> w = new DataFileWriter<>(new GenericDatumWriter<>(schema))) {
            w.setCodec(AvroCodec.ZSTANDARD.factory());
            w.create(schema, file, s.blocksSync());
            w.flush();
            s.copyBlocksTo(file, () -> halfway[0] = file.size());
        }
        List<GenericRecord> read = AvroFiles.records(file.toByteArray());
        assertThat(read).extracting(r -> r.get("id").toString()).containsExactlyElementsOf(ids);
        assertThat(read).extracting(r -> (Boolean) r.get("late")).containsExactlyElementsOf(late);
        assertThat((long) file.size()).as("compressed").isLessThan(rawBytes / 2);
        assertThat(halfway[0]).as("the fail point runs mid-copy").isBetween(file.size() / 4, file.size() * 3 / 4);
        long full = rawBytes / memory.blockBytes();
        assertThat(AvroFiles.blocks(file.toByteArray())).as("full blocks, and the last")
                .isBetween((int) full, (int) full + 1).isGreaterThan(1);

        s.close();
        assertThat(memory.held()).as("a closed stage gives its memory back").isZero();
        assertThat(Files.list(dir).filter(p -> p.toString().contains(".spill"))).isEmpty();
    }

    /** The frames of a run of one host's events in the blocks: the id, then a few bytes beside it. */
    @Test
    void aFrameOfAnEventInTheBlocksIsItsIdAndAFewBytes() throws IOException {
        Path spill = dir.resolve("s.spill");
        BucketStage s = new BucketStage(new BucketId("T", H), 0, spill, BlockMemory.of(AvroCodec.ZSTANDARD, BUDGET),
                lateIds, names);
        int events = 1000;
        for (int i = 1; i <= events; i++) {
            BucketStage.Staged e = avro(i, 1, "a", false, 50);
            assertThat(e.raw().length).as("a length of two bytes as a varint").isBetween(64, 8191);
            s.add(e);
        }
        List<Long> offsets = new ArrayList<>();
        s.read(true, e -> offsets.add(e.offset()));
        assertThat(offsets).hasSize(events).startsWith(1L, 2L).endsWith((long) events);
        // Length 4, id 16, flags 1, offset and version 1 each, length in the blocks 2; the first names its host.
        assertThat(Files.size(spill)).isEqualTo(events * (4 + 16 + 1 + 1 + 1 + 2) + 1 + "a".length());
        s.close();
    }

    @Test
    void eventsTheBlocksCannotHoldWaitInFramesAndEveryEventReadsBackInOrder() throws IOException {
        BucketStage s = new BucketStage(new BucketId("T", H), 0, dir.resolve("s.spill"),
                BlockMemory.of(AvroCodec.ZSTANDARD, BUDGET), lateIds, names);
        List<BucketStage.Staged> staged = List.of(avro(1, 1, "a", false), avro(2, 2, "a", false),
                avro(3, 1, "b", true), unchecked(avro(4, 1, "b", false)), avro(5, 1, "c", false));
        List<byte[]> expected = new ArrayList<>();
        for (BucketStage.Staged e : staged) {
            byte[] bytes = e.raw().clone();
            if (e.late()) {
                bytes[LakeRecords.envelope(bytes).lateAt()] = 1;
            }
            expected.add(bytes);
            s.add(e);
        }
        List<SpillFile.Spilled> read = new ArrayList<>();
        s.read(true, read::add);
        assertThat(read).extracting(SpillFile.Spilled::offset).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(read).extracting(SpillFile.Spilled::raw).containsExactlyElementsOf(expected);
        assertThat(read).extracting(SpillFile.Spilled::form).containsExactly(SpillFile.Form.AVRO_CHECKED,
                SpillFile.Form.AVRO_CHECKED, SpillFile.Form.AVRO_CHECKED, SpillFile.Form.AVRO,
                SpillFile.Form.AVRO_CHECKED);
        assertThat(s.takesInAllBlocks(5, s.deduplicate(5, dir.resolve("ids"), 100)))
                .as("a version other than the blocks' and an unchecked record wait in frames").isFalse();
        s.close();
    }

    @Test
    void aCopyOrAnEventBeyondTheSealIsLeftToTheSealThatReadsEveryEvent() throws IOException {
        BucketStage s = new BucketStage(new BucketId("T", H), 0, dir.resolve("s.spill"),
                BlockMemory.of(AvroCodec.ZSTANDARD, BUDGET), lateIds, names);
        BucketStage.Staged first = avro(1, 1, "a", false);
        s.add(first);
        s.add(avro(2, 1, "a", false));
        assertThat(s.takesInAllBlocks(2, s.deduplicate(2, dir.resolve("a.ids"), 100))).isTrue();
        assertThat(s.takesInAllBlocks(1, s.deduplicate(1, dir.resolve("b.ids"), 100)))
                .as("an event beyond the seal").isFalse();
        s.add(new BucketStage.Staged(3, first.header(), first.raw().clone(), SpillFile.Form.AVRO_CHECKED, false));
        assertThat(s.takesInAllBlocks(3, s.deduplicate(3, dir.resolve("c.ids"), 100))).as("a copy").isFalse();
        s.close();
    }

    @Test
    void damagedBlocksAreUnreadableNotACrash() throws IOException {
        BucketStage s = new BucketStage(new BucketId("T", H), 0, dir.resolve("s.spill"),
                BlockMemory.of(AvroCodec.ZSTANDARD, BUDGET), lateIds, names);
        for (int i = 0; i < 50; i++) {
            s.add(avro(i, 1, "a", false));
        }
        s.read(true, e -> { });  // ends the last block
        Path blocks = dir.resolve("s.spill.blocks");
        byte[] good = Files.readAllBytes(blocks);
        byte[] badSync = good.clone();
        badSync[badSync.length - 1] ^= 1;
        Files.write(blocks, badSync);
        assertThatThrownBy(() -> s.read(true, e -> { })).isInstanceOf(SpillFile.Unreadable.class)
                .hasMessageContaining("sync marker");
        Files.write(blocks, java.util.Arrays.copyOf(good, good.length / 2));
        assertThatThrownBy(() -> s.read(true, e -> { })).isInstanceOf(SpillFile.Unreadable.class);
        Files.delete(blocks);
        assertThatThrownBy(() -> s.copyBlocksTo(new ByteArrayOutputStream(), () -> { }))
                .isInstanceOf(SpillFile.Unreadable.class);
        s.read(false, e -> { });  // frames alone need no blocks
        s.close();
    }

    @Test
    void stagesBeyondTheBudgetWaitInFramesAndARecordLargerThanABlockIsOneBlock() throws IOException {
        BlockMemory memory = BlockMemory.of(AvroCodec.ZSTANDARD, BUDGET);
        List<BucketStage> stages = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            BucketStage s = new BucketStage(new BucketId("T", H), i, dir.resolve(i + ".spill"), memory, lateIds, names);
            s.add(avro(1, 1, "a", false));
            stages.add(s);
        }
        List<Boolean> inBlocks = new ArrayList<>();
        for (BucketStage s : stages) {
            inBlocks.add(s.takesInAllBlocks(1, s.deduplicate(1, dir.resolve(stages.indexOf(s) + ".ids"), 10)));
        }
        assertThat(inBlocks).as("two stages' blocks fit in the budget, the third waits in frames")
                .containsExactly(true, true, false);
        stages.get(0).close();
        BucketStage next = new BucketStage(new BucketId("T", H), 3, dir.resolve("3.spill"), memory, lateIds, names);
        BucketStage.Staged big = avro(1, 1, "a", false, memory.blockBytes() + 100);
        byte[] bigBytes = big.raw().clone();
        next.add(big);
        assertThat(memory.held()).as("the big record waits beyond a block").isGreaterThan(memory.blockBytes());
        assertThat(next.takesInAllBlocks(1, next.deduplicate(1, dir.resolve("3.ids"), 10)))
                .as("a closed stage's reservation goes to the next").isTrue();
        List<byte[]> read = new ArrayList<>();
        next.read(true, e -> read.add(e.raw()));
        assertThat(read).containsExactly(bigBytes);
        next.close();
        stages.get(1).close();
        stages.get(2).close();
        assertThat(memory.held()).isZero();
    }

    @Test
    void aWriterOfManyPartitionsGivesEveryOpenHourSmallerBlocksDownToTheLeast() throws IOException {
        BlockMemory memory = BlockMemory.of(AvroCodec.ZSTANDARD, BUDGET);
        memory.shareAmong(3);  // six open hours at an hour's turn, where the budget has two full blocks
        List<BucketStage> stages = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            stages.add(new BucketStage(new BucketId("T", H), i, dir.resolve(i + ".spill"), memory, lateIds,
                    names));
        }
        BucketStage s = stages.get(0);
        List<String> ids = new ArrayList<>();
        long rawBytes = 0;
        for (int i = 0; i < 6000; i++) {
            BucketStage.Staged e = avro(i, 1, "a", false);
            ids.add(e.header().id());
            rawBytes += e.raw().length;
            s.add(e);
        }
        for (int i = 1; i < 6; i++) {
            stages.get(i).add(avro(i, 1, "a", false));
        }
        for (BucketStage stage : stages) {
            assertThat(stage.takesInAllBlocks(6000, stage.deduplicate(6000, dir.resolve(stages.indexOf(stage)
                    + ".ids"), 10_000))).as("every open hour has blocks").isTrue();
        }
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        Schema schema = LakeRecords.schema("T", V1);
        try (DataFileWriter<GenericData.Record> w = new DataFileWriter<>(new GenericDatumWriter<>(schema))) {
            w.setCodec(AvroCodec.ZSTANDARD.factory());
            w.create(schema, file, s.blocksSync());
            w.flush();
            s.copyBlocksTo(file, () -> { });
        }
        assertThat(AvroFiles.records(file.toByteArray())).extracting(r -> r.get("id").toString())
                .containsExactlyElementsOf(ids);
        int sixth = (int) (BUDGET / 6);
        assertThat(AvroFiles.blocks(file.toByteArray())).as("blocks of about a sixth of the budget")
                .isBetween((int) (rawBytes / sixth), (int) (rawBytes / (sixth - BlockMemory.CHUNK)) + 1);

        memory.shareAmong(1000);
        BucketStage small = new BucketStage(new BucketId("T", H), 7, dir.resolve("7.spill"), memory, lateIds, names);
        small.add(avro(1, 1, "a", false));
        assertThat(small.takesInAllBlocks(1, small.deduplicate(1, dir.resolve("7.ids"), 10)))
                .as("no block smaller than the least, so none is left for it").isFalse();
        for (BucketStage stage : stages) {
            stage.close();
        }
        small.close();
        assertThat(memory.held()).isZero();
    }

    @Test
    void codecsWhoseBlocksAWriterCannotMakeStageInFrames() {
        assertThat(BlockMemory.of(AvroCodec.SNAPPY, BUDGET).reserve()).isZero();
        assertThat(BlockMemory.of(AvroCodec.NULL, BUDGET).reserve()).isZero();
        assertThat(BlockMemory.of(AvroCodec.DEFLATE, BUDGET).reserve()).isEqualTo(AvroCodec.DEFLATE.blockBytes());
    }

    /** A lake record as a collector packs it, checked against its schema as the writer stages it. */
    private BucketStage.Staged avro(long offset, int version, String host, boolean late) throws IOException {
        return avro(offset, version, host, late, random.nextInt(200));
    }

    private BucketStage.Staged avro(long offset, int version, String host, boolean late, int textLength)
            throws IOException {
        GenericData.Record payload = new GenericData.Record(version == 1 ? V1 : V2);
        payload.put("text", "x".repeat(textLength) + random.nextLong());
        if (version == 2) {
            payload.put("n", random.nextInt());
        }
        EnvelopeHeader h = new EnvelopeHeader(UUID.randomUUID().toString(), version, null, H.plusSeconds(offset),
                H.plusSeconds(offset + 1), host, false);
        byte[] record = LakeRecordEncoder.fromKafka("T", h, AvroBytes.of(payload.getSchema(), payload));
        return new BucketStage.Staged(offset, h, record, SpillFile.Form.AVRO_CHECKED, late);
    }

    private static BucketStage.Staged unchecked(BucketStage.Staged e) {
        return new BucketStage.Staged(e.offset(), e.header(), e.raw(), SpillFile.Form.AVRO, e.late());
    }
}
