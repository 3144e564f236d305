package io.hourglass.bench;

import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import io.hourglass.core.BodyCompressor;
import io.hourglass.core.ContentEncoding;
import io.hourglass.core.Envelope;
import io.hourglass.core.EnvelopeHeader;
import io.hourglass.core.EnvelopeParser;
import io.hourglass.core.Instants;
import io.hourglass.core.Lines;
import io.hourglass.core.Json;
import io.hourglass.core.PlainEventReader;
import io.hourglass.core.avro.AvroBuffer;
import io.hourglass.core.avro.AvroCheck;
import io.hourglass.core.avro.PayloadEncoder;
import io.hourglass.core.avro.PlainPayloadEncoder;
import io.hourglass.core.kafka.EventPack;
import io.hourglass.core.lake.LakeRecordEncoder;
import io.hourglass.core.lake.LakeRecords;
import io.hourglass.core.registry.PayloadConverter;
import io.hourglass.writer.AvroCodec;
import io.hourglass.writer.IdIndex;
import io.hourglass.writer.IdOffsets;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import net.jpountz.lz4.LZ4Factory;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.xerial.snappy.Snappy;

/**
 * The per-event work of the collector (parse, validate, re-encode) and of the writer (parse, dedup, Avro encode),
 * and the instant parse that was the top cost of both.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class HotPaths {
    private static final Schema PAYLOAD = new Schema.Parser().parse("""
            {"type":"record","name":"P","fields":[{"name":"user_id","type":"string"},
             {"name":"action","type":"string"},{"name":"value","type":"long"},{"name":"detail","type":"string"}]}""");
    private String instantText = "2026-11-23T13:59:58.125Z";  // not final, so the JIT cannot fold the parse
    private byte[] line;
    private Envelope envelope;
    private byte[] received;
    private Schema fileSchema;
    private GenericDatumWriter<GenericData.Record> writer;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private BinaryEncoder encoder;
    private LakeRecordEncoder lakeEncoder;
    private PayloadEncoder strictEncoder;
    private PlainPayloadEncoder plainEncoder;
    private final AvroBuffer scratch = new AvroBuffer(1024);
    private byte[] avroPayload;
    private EnvelopeHeader header;
    private BinaryDecoder decoder;
    private static final int PACK_EVENTS = 100;
    private final EventPack pack = new EventPack(4096);
    private byte[] packValue;
    private final AvroCheck payloadCheck = new AvroCheck();

    @Setup
    public void setup() {
        line = ("{\"id\":\"0b5f6c1e-8a7b-4c53-9a37-1f8f1a4c2d10\",\"type\":\"T\",\"version\":1,"
                + "\"event_time\":\"2026-11-23T13:59:58.120Z\",\"logged_at\":\"2026-11-23T13:59:58.125Z\","
                + "\"payload\":{\"user_id\":\"u123456\",\"action\":\"play\",\"value\":42,\"detail\":\""
                + "x".repeat(100) + "\"}}").getBytes(StandardCharsets.UTF_8);
        envelope = Envelope.parse(line).received(Instant.now(), "host-1");
        received = envelope.toBytes();
        fileSchema = LakeRecords.schema("T", PAYLOAD);
        writer = new GenericDatumWriter<>(fileSchema);
        lakeEncoder = new LakeRecordEncoder(PAYLOAD);
        strictEncoder = new PayloadEncoder(PAYLOAD, true);
        plainEncoder = new PlainPayloadEncoder(strictEncoder);
        avroPayload = parseValidateAndEncode().payload();
        header = new EnvelopeHeader(envelope.id(), 1, envelope.eventTime(), envelope.loggedAt(), envelope.receivedAt(),
                envelope.host(), false);
        for (int i = 0; i < PACK_EVENTS; i++) {
            packForKafka();
        }
        packValue = pack.toValue();
    }

    /** Before: every event carries two or three of these. */
    @Benchmark
    public Instant parseInstantJdk() {
        return Instant.parse(instantText);
    }

    /** After. */
    @Benchmark
    public Instant parseInstant() {
        return Instants.parse(instantText);
    }

    @Benchmark
    public Envelope parseEnvelope() {
        return Envelope.parse(line);
    }

    /** The collector's check before: a JSON tree of the event, then the payload checked against the schema. */
    @Benchmark
    public Envelope parseAndValidateTree() {
        Envelope e = Envelope.parse(line);
        PayloadConverter.validate(e.payload(), PAYLOAD);
        return e;
    }

    /** After: the payload checked as it is parsed. */
    @Benchmark
    public EnvelopeParser.Parsed<Void> parseAndValidateStreaming() {
        return EnvelopeParser.parse(line, (p, type, version) -> {
            PayloadConverter.check(p, PAYLOAD);
            return null;
        });
    }

    @Benchmark
    public byte[] encodeForKafka() {
        return envelope.toBytes();
    }

    /** The writer's finalize before: a JSON tree of the event converted to Avro, then encoded. */
    @Benchmark
    public int toAvroViaTree() throws IOException {
        return encode(EnvelopeParser.parse(received,
                (p, type, version) -> PayloadConverter.toRecord(Json.MAPPER.readTree(p), PAYLOAD)));
    }

    /** Then: the payload read straight into an Avro record. */
    @Benchmark
    public int toAvroStreaming() throws IOException {
        return encode(EnvelopeParser.parse(received, (p, type, version) -> PayloadConverter.read(p, PAYLOAD)));
    }

    /** Then: the event straight into the record's Avro bytes, with no record built (writers, for JSON in Kafka). */
    @Benchmark
    public int toAvroDirect() {
        return lakeEncoder.encode(received, false).orElseThrow().remaining();
    }

    /** Now, the collector: the check of the payload and its Avro encoding for Kafka, in one pass. */
    @Benchmark
    public EnvelopeParser.Parsed<byte[]> parseValidateAndEncode() {
        return parseValidateAndEncode(line);
    }

    private EnvelopeParser.Parsed<byte[]> parseValidateAndEncode(byte[] event) {
        return EnvelopeParser.parse(event, (p, type, version) -> {
            scratch.reset();
            return strictEncoder.encode(p, scratch) ? scratch.toByteArray() : null;
        });
    }

    /** Now, the collector, for an event in the plain form clients write: the same, straight from its bytes. */
    @Benchmark
    public EnvelopeParser.Parsed<AvroBuffer> readPlainValidateAndEncode() {
        return readPlainValidateAndEncode(line);
    }

    private EnvelopeParser.Parsed<AvroBuffer> readPlainValidateAndEncode(byte[] event) {
        return PlainEventReader.read(event, 0, event.length, (in, type, version) -> {
            scratch.reset();
            plainEncoder.encode(in, scratch);
            return scratch;
        });
    }

    /** Varied events, one after another, so that branches on their ids and values are not learnt from one event. */
    @State(Scope.Thread)
    public static class Varied {
        static final int EVENTS = 4096;
        final byte[][] lines = new byte[EVENTS][];
        int next;

        @Setup(Level.Trial)
        public void make() {
            Random random = new Random(3);
            for (int i = 0; i < EVENTS; i++) {
                lines[i] = line(random);
            }
        }

        byte[] line(Random random) {
            return variedLine(random);
        }

        byte[] next() {
            return lines[next++ & (EVENTS - 1)];
        }
    }

    /** Varied events whose text has escapes, as Python's json.dumps writes anything past ASCII, and quotes. */
    public static class Escaped extends Varied {
        @Override
        byte[] line(Random random) {
            return variedLine(random, "Caf\\u00e9 \\\"live\\\" \\u4e2d\\u6587 \\ud83c\\udfb5\\n" + "x".repeat(40));
        }
    }

    /** The collector's Jackson pass, on varied events. */
    @Benchmark
    public EnvelopeParser.Parsed<byte[]> parseValidateAndEncodeVaried(Varied events) {
        return parseValidateAndEncode(events.next());
    }

    /** The collector's plain reader, on varied events. */
    @Benchmark
    public EnvelopeParser.Parsed<AvroBuffer> readPlainValidateAndEncodeVaried(Varied events) {
        return readPlainValidateAndEncode(events.next());
    }

    /** The collector's Jackson pass, on varied events with escapes. */
    @Benchmark
    public EnvelopeParser.Parsed<byte[]> parseValidateAndEncodeEscaped(Escaped events) {
        return parseValidateAndEncode(events.next());
    }

    /** The collector's plain reader, on varied events with escapes. */
    @Benchmark
    public EnvelopeParser.Parsed<AvroBuffer> readPlainValidateAndEncodeEscaped(Escaped events) {
        return readPlainValidateAndEncode(events.next());
    }

    /** Now, the writer: the lake record from the Kafka header and the Avro payload, checked as a damaged one is. */
    @Benchmark
    public boolean lakeRecordFromKafka() throws IOException {
        byte[] record = LakeRecordEncoder.fromKafka("T", header, avroPayload);
        decoder = DecoderFactory.get().binaryDecoder(record, decoder);
        GenericDatumReader.skip(fileSchema, decoder);
        return decoder.isEnd();
    }

    /** Now, the collector: an event's lake record added to its partition's pack (a pack of 100 is sent). */
    @Benchmark
    public int packForKafka() {
        scratch.reset();
        LakeRecordEncoder.write(scratch, "T", header, avroPayload);
        if (pack.events() == PACK_EVENTS) {
            pack.clear();
        }
        pack.add(scratch);
        return pack.sizeBytes();
    }

    /** Now, the writer: a pack of 100 split into lake records, each envelope read and payload checked; per event. */
    @Benchmark
    @OperationsPerInvocation(PACK_EVENTS)
    public int lakeRecordsFromPack() {
        int ok = 0;
        for (byte[] record : EventPack.read(packValue).records()) {
            LakeRecords.Encoded e = LakeRecords.envelope(record);
            if (payloadCheck.problem(PAYLOAD, record, e.payloadAt(), record.length - e.payloadAt()).isEmpty()) {
                ok++;
            }
        }
        return ok;
    }

    private int encode(EnvelopeParser.Parsed<GenericData.Record> e) throws IOException {
        out.reset();
        encoder = EncoderFactory.get().binaryEncoder(out, encoder);
        writer.write(LakeRecords.toRecord(e, false, fileSchema), encoder);
        encoder.flush();
        return out.size();
    }

    /**
     * An open Avro data file that records are appended to, with Avro's default encoder (a byte at a time into a
     * synchronized stream) or the buffered one the writer uses, one of the writer's codecs, and Avro's default block
     * size or the writer's for zstandard. The records differ in id, user and value, as events do, so the codec
     * compresses something like real blocks.
     */
    @State(Scope.Thread)
    public static class AvroFile {
        private static final int RECORDS = 4096;
        @Param({"default", "buffered"})
        String encoder;
        @Param({"DEFLATE", "ZSTANDARD"})
        String codec;
        @Param({"64000", "491520", "1048576"})
        int blockBytes;
        final GenericData.Record[] records = new GenericData.Record[RECORDS];
        final byte[][] encoded = new byte[RECORDS][];
        int next;
        DataFileWriter<GenericData.Record> file;

        @Setup(Level.Trial)
        public void open(HotPaths paths) throws IOException {
            Random random = new Random(1);
            for (int i = 0; i < RECORDS; i++) {
                byte[] received = Envelope.parse(variedLine(random)).received(Instant.now(), "host-" + i % 4).toBytes();
                records[i] = LakeRecords.toRecord(EnvelopeParser.parse(received,
                        (p, type, version) -> PayloadConverter.read(p, PAYLOAD)), false, paths.fileSchema);
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                BinaryEncoder e = EncoderFactory.get().binaryEncoder(bytes, null);
                new GenericDatumWriter<GenericData.Record>(paths.fileSchema).write(records[i], e);
                e.flush();
                encoded[i] = bytes.toByteArray();
            }
            file = new DataFileWriter<>(new GenericDatumWriter<>(paths.fileSchema));
            file.setCodec(AvroCodec.valueOf(codec).factory());
            file.setSyncInterval(blockBytes);
            if (encoder.equals("buffered")) {
                file.setEncoder(o -> EncoderFactory.get().binaryEncoder(o, null));
            }
            file.create(paths.fileSchema, OutputStream.nullOutputStream());
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            file.close();
        }
    }

    /** A full block of the writer's final file: lake records of varied events, 480 KiB before compression. */
    @State(Scope.Thread)
    public static class Block {
        final byte[] bytes = new byte[AvroCodec.ZSTANDARD.blockBytes()];
        final org.apache.avro.file.Codec avroCodec = new org.apache.avro.file.ZstandardCodec(1, false, true);
        final com.github.luben.zstd.ZstdCompressCtx ctx = new com.github.luben.zstd.ZstdCompressCtx().setLevel(1);
        final byte[] out = new byte[(int) com.github.luben.zstd.Zstd.compressBound(bytes.length)];

        @Setup(Level.Trial)
        public void fill(HotPaths paths) throws IOException {
            AvroFile records = new AvroFile();
            records.codec = "ZSTANDARD";
            records.encoder = "buffered";
            records.blockBytes = bytes.length;
            records.open(paths);
            for (int at = 0, i = 0; at < bytes.length; i++) {
                byte[] r = records.encoded[i % AvroFile.RECORDS];
                System.arraycopy(r, 0, bytes, at, Math.min(r.length, bytes.length - at));
                at += r.length;
            }
            records.close();
        }
    }

    /** The writer's block compression: Avro's zstandard codec, a stream for each block. */
    @Benchmark
    public int compressBlockAvroCodec(Block b) throws IOException {
        return b.avroCodec.compress(ByteBuffer.wrap(b.bytes)).remaining();
    }

    /** The same block in one call to a zstd context kept from block to block. */
    @Benchmark
    public int compressBlockZstdContext(Block b) {
        return b.ctx.compressByteArray(b.out, 0, b.out.length, b.bytes, 0, b.bytes.length);
    }

    /** The same block in one call that makes a zstd context for it, sized to the block. */
    @Benchmark
    public long compressBlockZstdOneCall(Block b) {
        return com.github.luben.zstd.Zstd.compressByteArray(b.out, 0, b.out.length, b.bytes, 0, b.bytes.length, 1);
    }

    /**
     * A collector's pack at 10 types (a 5000-event request over 30 partitions): 170 lake records of varied events, in
     * the packs' layout, and a codec that the collector might compress it with. Snappy is the one it uses.
     */
    @State(Scope.Thread)
    public static class Pack {
        static final int EVENTS = 170;
        @Param({"SNAPPY", "LZ4", "ZSTD_1", "ZSTD_MINUS_3"})
        String codec;
        byte[] plain;
        byte[] compressed;
        int compressedLength;
        byte[] unpacked;
        Call compress;
        Call decompress;
        ZstdCompressCtx zstd;
        ZstdDecompressCtx unzstd;

        @Setup(Level.Trial)
        public void fill(HotPaths paths) throws IOException {
            AvroFile records = new AvroFile();
            records.codec = "ZSTANDARD";
            records.encoder = "buffered";
            records.blockBytes = AvroCodec.ZSTANDARD.blockBytes();
            records.open(paths);
            EventPack pack = new EventPack(64 * 1024);
            AvroBuffer record = new AvroBuffer(1024);
            for (int i = 0; i < EVENTS; i++) {
                record.reset();
                record.write(records.encoded[i]);
                pack.add(record);
            }
            records.close();
            plain = pack.toValue();
            compressed = new byte[Snappy.maxCompressedLength(plain.length) + 1024];
            unpacked = new byte[plain.length];
            switch (codec) {
                case "SNAPPY" -> {
                    compress = () -> Snappy.rawCompress(plain, 0, plain.length, compressed, 0);
                    decompress = () -> Snappy.rawUncompress(compressed, 0, compressedLength, unpacked, 0);
                }
                case "LZ4" -> {
                    LZ4Factory lz4 = LZ4Factory.fastestInstance();
                    compress = () -> lz4.fastCompressor().compress(plain, 0, plain.length, compressed, 0);
                    decompress = () -> lz4.fastDecompressor().decompress(compressed, 0, unpacked, 0, unpacked.length);
                }
                default -> {
                    zstd = new ZstdCompressCtx().setLevel(codec.equals("ZSTD_1") ? 1 : -3);
                    unzstd = new ZstdDecompressCtx();
                    compress = () -> zstd.compressByteArray(compressed, 0, compressed.length, plain, 0, plain.length);
                    decompress = () -> unzstd.decompressByteArray(unpacked, 0, unpacked.length, compressed, 0,
                            compressedLength);
                }
            }
            compressedLength = compress.run();
            System.out.printf("%n%s: a pack of %d events, %d bytes, compressed to %d (%.2fx)%n", codec, EVENTS,
                    plain.length, compressedLength, (double) plain.length / compressedLength);
        }

        @TearDown(Level.Trial)
        public void close() {
            if (zstd != null) {
                zstd.close();
                unzstd.close();
            }
        }

        /** A codec's call on the pack, which returns the bytes it wrote; Snappy's may throw. */
        interface Call {
            int run() throws IOException;
        }
    }

    /** A collector's pack compressed, per event (see {@link Pack}). */
    @Benchmark
    @OperationsPerInvocation(Pack.EVENTS)
    public int compressPack(Pack p) throws IOException {
        return p.compress.run();
    }

    /** A writer's unpacking of the same pack, per event. */
    @Benchmark
    @OperationsPerInvocation(Pack.EVENTS)
    public int decompressPack(Pack p) throws IOException {
        return p.decompress.run();
    }

    /** An event line as a service logs it, differing from the others in id, time, user and value. */
    static byte[] variedLine(Random random) {
        return variedLine(random, "x".repeat(70));
    }

    /** The same, with {@code detail} (JSON string content) as the payload's detail. */
    static byte[] variedLine(Random random, String detail) {
        return ("{\"id\":\"" + UUID.randomUUID() + "\",\"type\":\"T\",\"version\":1,"
                + "\"logged_at\":\"2026-11-23T13:59:58." + (100 + random.nextInt(900)) + "Z\","
                + "\"payload\":{\"user_id\":\"u" + random.nextInt(1_000_000) + "\",\"action\":\"play\","
                + "\"value\":" + random.nextInt(1_000_000) + ",\"detail\":\"" + detail + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The writer's final file: one record appended (blocks are compressed as they fill). */
    @Benchmark
    public void appendToAvroFile(AvroFile f) throws IOException {
        f.file.append(f.records[f.next++ & (AvroFile.RECORDS - 1)]);
    }

    /**
     * The writer's final file when it is written record by record: one lake record appended as the bytes it was
     * staged in (a seal that keeps every event as staged copies the stage's blocks instead).
     */
    @Benchmark
    public void appendEncodedToAvroFile(AvroFile f) throws IOException {
        f.file.appendEncoded(ByteBuffer.wrap(f.encoded[f.next++ & (AvroFile.RECORDS - 1)]));
    }

    /** An agent's request body: a batch of varied event lines, in an encoding agents may send. */
    @State(Scope.Thread)
    public static class Batch {
        static final int LINES = 5000;
        @Param({"GZIP", "ZSTD"})
        String encoding;
        final byte[][] lines = new byte[LINES][];
        byte[] plain;
        byte[] body;
        byte[] out = new byte[0];
        BodyCompressor compressor;

        @Setup(Level.Trial)
        public void make() throws IOException {
            compressor = new BodyCompressor(ContentEncoding.valueOf(encoding));
            Random random = new Random(1);
            for (int i = 0; i < LINES; i++) {
                lines[i] = variedLine(random);
            }
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (byte[] line : lines) {
                all.write(line);
                all.write('\n');
            }
            plain = all.toByteArray();
            body = compress();
        }

        /** As the agent compresses a body: the lines as read, in one call, by a compressor kept from batch to batch. */
        byte[] compress() throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream(LINES * 64);
            compressor.compress(plain, 0, plain.length, out);
            return out.toByteArray();
        }

        @TearDown(Level.Trial)
        public void close() {
            compressor.close();
        }
    }

    /** Finding every line of a request body, as the agent and the collector do: eight bytes at a time; per event. */
    @Benchmark
    @OperationsPerInvocation(Batch.LINES)
    public int splitLinesByWord(Batch b) {
        int checksum = 0;
        int start = 0;
        for (int at = Lines.newline(b.plain, 0, b.plain.length); at >= 0;
             at = Lines.newline(b.plain, start, b.plain.length)) {
            checksum += at - start;
            start = at + 1;
        }
        return checksum;
    }

    /** The same, a byte at a time, as before: each line's start is kept, as the split needs it; per event. */
    @Benchmark
    @OperationsPerInvocation(Batch.LINES)
    public int splitLinesByByte(Batch b) {
        int checksum = 0;
        int start = 0;
        for (int i = 0; i < b.plain.length; i++) {
            if (b.plain[i] == '\n') {
                checksum += i - start;
                start = i + 1;
            }
        }
        return checksum;
    }

    /** The agent's compression of a request; per event. */
    @Benchmark
    @OperationsPerInvocation(Batch.LINES)
    public int compressRequest(Batch b) throws IOException {
        return b.compress().length;
    }

    /** The collector's decompression of a request; per event. */
    @Benchmark
    @OperationsPerInvocation(Batch.LINES)
    public int decompressRequest(Batch b) throws IOException {
        try (InputStream in = ContentEncoding.valueOf(b.encoding).decompress(new ByteArrayInputStream(b.body))) {
            return in.readAllBytes().length;
        }
    }

    /** The same zstd body in one call into a kept buffer of the size its frame declares; per event. */
    @Benchmark
    @OperationsPerInvocation(Batch.LINES)
    public long decompressRequestOneCall(Batch b) {
        int size = (int) com.github.luben.zstd.Zstd.getFrameContentSize(b.body);
        if (b.out.length < size) {
            b.out = new byte[size];
        }
        return com.github.luben.zstd.Zstd.decompressByteArray(b.out, 0, size, b.body, 0, b.body.length);
    }

    /** Ids to deduplicate, one in ten a duplicate, as bytes: each benchmark call decodes fresh strings. */
    @State(Scope.Thread)
    public static class Ids {
        static final int COUNT = 100_000;
        final byte[][] ids = new byte[COUNT][];
        final long[][] keys = new long[COUNT][];

        @Setup
        public void setup() {
            for (int i = 0; i < COUNT; i++) {
                ids[i] = i % 10 == 9 ? ids[i - 1] : UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);
                keys[i] = IdOffsets.key(id(i));
            }
        }

        /** A fresh string, as the writer reads each id from an event's bytes (so its hash is not cached yet). */
        String id(int i) {
            return new String(ids[i], StandardCharsets.US_ASCII);
        }
    }

    /** The index of late events' ids (the writer's dedup before it moved to the seal), growth included; per id. */
    @Benchmark
    @OperationsPerInvocation(Ids.COUNT)
    public long dedupIdOffsets(Ids ids) throws IOException {
        IdOffsets index = new IdOffsets();
        for (int i = 0; i < Ids.COUNT; i++) {
            index.putIfAbsent(ids.id(i), i);
        }
        return index.size();
    }

    /**
     * The writer's dedup at the seal, in memory: the keys of a partition-hour (a tenth of them copies) into a table,
     * written to an index file on disk; per id. The keys come from the spill file, so they are not computed here.
     */
    @Benchmark
    @OperationsPerInvocation(Ids.COUNT)
    public long dedupAtSeal(Ids ids) throws IOException {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("hotpaths", ".ids");
        IdIndex.Built built = IdIndex.build(file, v -> {
            for (int i = 0; i < Ids.COUNT; i++) {
                v.key(ids.keys[i][0], ids.keys[i][1], i, i);
            }
        }, Ids.COUNT, 1 << 19);
        built.index().close();
        return built.index().size() + built.drops().length;
    }

    /** The {@code HashMap<String, ...>} that the writer's dedup used before; per id. */
    @Benchmark
    @OperationsPerInvocation(Ids.COUNT)
    public int dedupHashMap(Ids ids) {
        Map<String, Long> index = new HashMap<>();
        for (int i = 0; i < Ids.COUNT; i++) {
            index.putIfAbsent(ids.id(i), (long) i);
        }
        return index.size();
    }
}
