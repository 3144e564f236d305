package io.hourglass.writer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.avro.file.Codec;

/**
 * What the stages of one writer share for their {@link SpillBlocks}: the codec of the final files, and a budget of
 * memory for the blocks that are still filling. A stage whose block cannot grow within the budget writes it as it is,
 * smaller, so that a writer with hundreds of open stages holds a bounded heap.
 */
final class BlockMemory {
    /** Enough for 64 full blocks of 1 MiB; with more open stages, their blocks are smaller. */
    static final long DEFAULT_BUDGET = 64L << 20;
    /** Stages stage their events as frames only: for a codec whose blocks this writer cannot make. */
    static final BlockMemory NONE = new BlockMemory(null, 0, 0);

    private final Supplier<Codec> codecs;
    private final int blockBytes;
    private final long budget;
    private final AtomicLong held = new AtomicLong();
    private final Codec compressor;

    private BlockMemory(Supplier<Codec> codecs, int blockBytes, long budget) {
        this.codecs = codecs;
        this.blockBytes = blockBytes;
        this.budget = budget;
        this.compressor = codecs == null ? null : codecs.get();
    }

    /** The blocks of {@code codec} within {@code budget} bytes, or {@link #NONE} if this writer cannot make them. */
    static BlockMemory of(AvroCodec codec, long budget) {
        Optional<Supplier<Codec>> codecs = codec.blockCodecs();
        return codecs.map(c -> new BlockMemory(c, codec.blockBytes(), budget)).orElse(NONE);
    }

    boolean enabled() {
        return codecs != null;
    }

    /** Uncompressed bytes in a full block. */
    int blockBytes() {
        return blockBytes;
    }

    /** Takes {@code bytes} from the budget if they fit in it. */
    boolean take(int bytes) {
        long now = held.addAndGet(bytes);
        if (now <= budget) {
            return true;
        }
        held.addAndGet(-bytes);
        return false;
    }

    /** Takes {@code bytes} even beyond the budget: for one record larger than a stage's share. */
    void takeAnyway(int bytes) {
        held.addAndGet(bytes);
    }

    void give(int bytes) {
        held.addAndGet(-bytes);
    }

    /** Bytes held by blocks that are filling. */
    long held() {
        return held.get();
    }

    /** A codec of this writer's own, to decompress blocks on any thread. */
    Codec newCodec() {
        return codecs.get();
    }

    /** Compresses {@code length} bytes of {@code block} and writes them to {@code out}; returns the bytes written. */
    int compressTo(byte[] block, int length, BlockSink out) throws IOException {
        // One codec for every stage: its output buffer is reused, so a stage writes the block before the next one.
        synchronized (compressor) {
            ByteBuffer compressed = compressor.compress(ByteBuffer.wrap(block, 0, length));
            out.write(compressed.array(), compressed.arrayOffset() + compressed.position(), compressed.remaining());
            return compressed.remaining();
        }
    }

    /** Where a compressed block goes. */
    @FunctionalInterface
    interface BlockSink {
        void write(byte[] bytes, int offset, int length) throws IOException;
    }
}
