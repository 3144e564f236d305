package io.hourglass.writer;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.avro.file.Codec;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileConstants;
import org.apache.avro.file.DeflateCodec;

/**
 * How the blocks of the lake's Avro files are compressed, by Avro's codec name, and how large the blocks are. Readers
 * learn both from the file.
 */
public enum AvroCodec {
    /**
     * zstd at level 1, in 480 KiB blocks: on event records 2.4x as fast to write as deflate at level 1, and 15%
     * smaller. Each block costs a new zstd stream, so blocks of Avro's default 64,000 bytes append 1.4x slower; blocks
     * of 480 KiB append as fast as 1 MiB ones, and a writer's buffer of one stays below G1's humongous size for heaps
     * up to 2 GiB (half a 1 MiB region), which would take a region of the old generation for itself. Staged blocks
     * are compressed in one call each ({@link ZstdBlockCodec}).
     */
    ZSTANDARD(() -> CodecFactory.zstandardCodec(1, false, true), 480 * 1024, () -> new ZstdBlockCodec(1)),
    /** deflate at level 1, for readers older than Avro 1.9 (its 32 KiB window gains nothing from larger blocks). */
    DEFLATE(() -> CodecFactory.deflateCodec(1), DataFileConstants.DEFAULT_SYNC_INTERVAL, () -> new DeflateCodec(1)),
    SNAPPY(CodecFactory::snappyCodec, DataFileConstants.DEFAULT_SYNC_INTERVAL, null),
    NULL(CodecFactory::nullCodec, DataFileConstants.DEFAULT_SYNC_INTERVAL, null);

    private final Supplier<CodecFactory> factory;
    private final int blockBytes;
    private final Supplier<Codec> blockCodecs;

    AvroCodec(Supplier<CodecFactory> factory, int blockBytes, Supplier<Codec> blockCodecs) {
        this.factory = factory;
        this.blockBytes = blockBytes;
        this.blockCodecs = blockCodecs;
    }

    /** Uncompressed bytes per block (Avro's sync interval). */
    public int blockBytes() {
        return blockBytes;
    }

    /**
     * Codecs that compress a block as the factory's would, so that a writer can stage events in the final file's
     * blocks; empty for the codecs whose class Avro does not open to other packages.
     */
    Optional<Supplier<Codec>> blockCodecs() {
        return Optional.ofNullable(blockCodecs);
    }

    /** A fresh factory: Avro's codecs keep per-file state. */
    public CodecFactory factory() {
        return factory.get();
    }

    /** The codec of an Avro codec name, case-insensitively. */
    public static Optional<AvroCodec> of(String name) {
        return Arrays.stream(values()).filter(c -> c.name().equalsIgnoreCase(name.strip())).findFirst();
    }

    /** The names {@link #of} takes, for error messages. */
    public static String names() {
        return "one of " + Arrays.stream(values()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
    }
}
