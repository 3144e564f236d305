package io.hourglass.writer;

import io.hourglass.core.MemoryBudget;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.avro.file.Codec;

/**
 * What the stages of one writer share for their {@link SpillBlocks}: the codec of the final files, and a budget of
 * memory for the blocks that are still filling, in reservations of a block a stage, from a pool of chunks. Blocks are
 * full-sized while the budget has one for each open hour of every partition the writer owns, and smaller beyond that,
 * down to {@link #MIN_BLOCK}, so that a writer of many partitions gives blocks to all of them.
 */
final class BlockMemory {
    /** The unit of the pool: small enough that a stage holds little beyond its records. */
    static final int CHUNK = 16 * 1024;
    /** The smallest block a stage is given; Avro's own default block is 64,000 bytes. */
    static final int MIN_BLOCK = 4 * CHUNK;
    /** Stages stage their events as frames only: for a codec whose blocks this writer cannot make. */
    static final BlockMemory NONE = new BlockMemory(null, 0, 0);

    private final Supplier<Codec> codecs;
    private final int blockBytes;
    /** Bytes reserved by stages for their blocks. */
    private final MemoryBudget budget;
    private final Codec compressor;
    /** Stages the budget is shared among: two open hours (at an hour's turn) of each partition the writer owns. */
    private int sharers = 1;
    /** Chunks made so far, in use or free. */
    private int chunks;
    private final Deque<byte[]> free = new ArrayDeque<>();
    /** Where a block's chunks are joined to be compressed. */
    private byte[] joined = new byte[0];

    private BlockMemory(Supplier<Codec> codecs, int blockBytes, long budget) {
        this.codecs = codecs;
        this.blockBytes = blockBytes;
        this.budget = new MemoryBudget(budget);
        this.compressor = codecs == null ? null : codecs.get();
    }

    /** The blocks of {@code codec} within {@code budget} bytes, or {@link #NONE} if this writer cannot make them. */
    static BlockMemory of(AvroCodec codec, long budget) {
        Optional<Supplier<Codec>> codecs = codec.blockCodecs();
        return codecs.map(c -> new BlockMemory(c, codec.blockBytes(), budget)).orElse(NONE);
    }

    /** Uncompressed bytes in a full block. */
    int blockBytes() {
        return blockBytes;
    }

    /** Sizes the blocks of the stages that start from now on for a writer that owns {@code partitions} partitions. */
    synchronized void shareAmong(int partitions) {
        sharers = Math.max(1, 2 * partitions);
    }

    /**
     * Reserves memory for a stage's block, if the budget has it, and returns the block's size in bytes; 0 if the
     * budget is spent, and the stage waits in frames. The blocks hold at most the budget.
     */
    synchronized int reserve() {
        if (codecs == null) {
            return 0;
        }
        int size = (int) Math.min(blockBytes, Math.max(MIN_BLOCK, budget.bytes() / sharers / CHUNK * CHUNK));
        return budget.reserve(size) ? size : 0;
    }

    /** Gives a stage's reservation of {@code size} bytes back. */
    void release(int size) {
        budget.release(size);
    }

    /** A chunk from the pool for a stage that has reserved; a new one when the pool has none free. */
    synchronized byte[] chunk() {
        if (!free.isEmpty()) {
            return free.pop();
        }
        chunks++;
        return new byte[CHUNK];
    }

    /**
     * Takes a chunk back into the pool. Chunks are kept, to be used again: letting them go would leave garbage in the
     * old generation at every block. The pool holds at most the budget, and the largest records beyond it.
     */
    synchronized void give(byte[] chunk) {
        free.push(chunk);
    }

    /** Bytes held by chunks in use: in blocks that are filling. */
    synchronized long held() {
        return (long) (chunks - free.size()) * CHUNK;
    }

    /** A codec of this writer's own, to decompress blocks on any thread. */
    Codec newCodec() {
        return codecs.get();
    }

    /** Compresses the first {@code length} bytes of {@code chunks} and writes them to {@code out}. */
    void compressTo(List<byte[]> chunks, int length, BlockSink out) throws IOException {
        // One codec and one join buffer for every stage, reused: a stage writes its block before the next one.
        synchronized (compressor) {
            if (joined.length < length) {
                joined = new byte[Math.max(length, blockBytes)];
            }
            for (int i = 0, at = 0; at < length; i++, at += CHUNK) {
                System.arraycopy(chunks.get(i), 0, joined, at, Math.min(CHUNK, length - at));
            }
            ByteBuffer compressed = compressor.compress(ByteBuffer.wrap(joined, 0, length));
            out.write(compressed.array(), compressed.arrayOffset() + compressed.position(), compressed.remaining());
        }
    }

    /** Where a compressed block goes. */
    @FunctionalInterface
    interface BlockSink {
        void write(byte[] bytes, int offset, int length) throws IOException;
    }
}
