package io.hourglass.writer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slots in a file on the staging disk, mapped into memory: the page cache holds them, not the heap, and the kernel
 * writes them out when it needs the memory. The file is deleted when the slots are let go; its space returns once the
 * garbage collector has dropped the mapping, which Java 17 cannot unmap sooner.
 */
final class MappedSlots implements Slots {
    private static final Logger log = LoggerFactory.getLogger(MappedSlots.class);
    /** Longs in one mapping: 1 GiB, below the 2 GiB that a mapping can hold. */
    private static final int SEGMENT_BITS = 27;
    private static final long SEGMENT_MASK = (1L << SEGMENT_BITS) - 1;
    private static final int ZEROS = 1 << 20;

    private final Path file;
    private final LongBuffer[] segments;

    private MappedSlots(Path file, LongBuffer[] segments) {
        this.file = file;
        this.segments = segments;
    }

    /**
     * Creates {@code file} with room for {@code length} longs. It is written full of zeros first, so that a full disk
     * fails here, with an exception, rather than later as a fault on a write into the mapping.
     */
    static MappedSlots create(Path file, long length) throws IOException {
        long bytes = length * Long.BYTES;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(ZEROS, bytes));
            for (long at = 0; at < bytes; ) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), bytes - at));
                at += channel.write(zeros, at);
            }
            LongBuffer[] segments = new LongBuffer[(int) ((length + SEGMENT_MASK) >>> SEGMENT_BITS)];
            for (int s = 0; s < segments.length; s++) {
                long from = (long) s << SEGMENT_BITS;
                long longs = Math.min(length - from, 1L << SEGMENT_BITS);
                segments[s] = channel.map(FileChannel.MapMode.READ_WRITE, from * Long.BYTES, longs * Long.BYTES)
                        .order(ByteOrder.nativeOrder()).asLongBuffer();
            }
            return new MappedSlots(file, segments);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    @Override
    public long get(long index) {
        return segments[(int) (index >>> SEGMENT_BITS)].get((int) (index & SEGMENT_MASK));
    }

    @Override
    public void set(long index, long value) {
        segments[(int) (index >>> SEGMENT_BITS)].put((int) (index & SEGMENT_MASK), value);
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("Could not delete {} ({}); the writer removes its staging folder when it stops", file,
                    e.toString());
        }
    }
}
