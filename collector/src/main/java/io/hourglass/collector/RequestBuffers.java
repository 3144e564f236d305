package io.hourglass.collector;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import io.hourglass.core.ContentEncoding;
import io.hourglass.core.MemoryBudget;
import io.hourglass.core.avro.AvroBuffer;
import io.hourglass.core.kafka.EventPack;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The buffers a batch needs as large as its body (the body itself and its events' lake records), kept from one batch
 * to the next. G1 allocates an array of half a heap region or more (512 KiB with a 1 GiB heap) in the old generation,
 * zeroes it and may start a concurrent mark for it: two such arrays for every batch of an agent were most of the
 * collector's part in GC. Holds at most {@code kept} sets, and none grown past {@link #KEEP_MAX_BYTES}. The batches
 * in flight share a {@link MemoryBudget}: a batch reserves twice its body's bytes as it reads them (the body, and its
 * events' lake records, which take about as many), and a zstd body its compressed bytes once more, and gives them
 * back when it is answered. Thread-safe.
 */
final class RequestBuffers {
    /** Buffers grown larger than this, by rare large batches, are left to the GC instead of kept. */
    static final int KEEP_MAX_BYTES = 4 << 20;
    private static final int FIRST_BYTES = 64 * 1024;
    /** A body's bytes are reserved in steps of this many as they are read. */
    static final int RESERVE_STEP = 256 * 1024;

    private final BlockingQueue<Set> free;
    private final MemoryBudget memory;

    RequestBuffers(int kept, MemoryBudget memory) {
        free = new ArrayBlockingQueue<>(kept);
        this.memory = memory;
    }

    /** A set of buffers, kept or new; give it back with {@link #release} when the batch is answered. */
    Set take() {
        Set s = free.poll();
        return s != null ? s : new Set(memory);
    }

    /** Gives back the set and the memory its batch reserved. */
    void release(Set s) {
        s.releaseMemory();
        if (s.body.length <= KEEP_MAX_BYTES && s.spare.length <= KEEP_MAX_BYTES
                && s.records.capacity() <= KEEP_MAX_BYTES) {
            s.records.reset();
            free.offer(s);
        }
    }

    /** One batch's buffers. Not thread-safe. */
    static final class Set {
        private final MemoryBudget memory;
        private byte[] body = new byte[FIRST_BYTES];
        /** Where a compressed body waits to be decompressed into {@link #body}. */
        private byte[] spare = new byte[0];
        private int bodyLength;
        /** Body bytes whose memory is reserved (twice this is held in the budget). */
        private long covered;
        /** Bytes reserved for the compressed body in {@link #spare}: once, as it has no second copy. */
        private long spareReserved;
        final AvroBuffer records = new AvroBuffer(FIRST_BYTES);
        final AvroBuffer payload = new AvroBuffer(1024);
        /** Its buffers hold a pack: at most {@link Packer#MAX_PACK_BYTES}, or one event. */
        final EventPack.Compressor packs = new EventPack.Compressor();

        private Set(MemoryBudget memory) {
            this.memory = memory;
        }

        /**
         * Reads {@code in} to its end, or to one byte past {@code limit}, whichever comes first; returns the bytes
         * read, which {@link #body} then holds. Throws {@link OutOfRequestMemoryException} when the budget cannot
         * cover the next bytes; what was reserved stays reserved until {@link #release}.
         */
        int read(InputStream in, long limit) throws IOException {
            int cap = (int) Math.min(Integer.MAX_VALUE - 8, limit + 1);
            // The byte past the limit, read only to tell that a body is too large, is not reserved.
            long reservable = Math.min(limit, cap);
            int n = 0;
            while (n < cap) {
                if (n == covered && covered < reservable) {
                    reserveUpTo(Math.min(reservable, covered + RESERVE_STEP));
                }
                if (n == body.length) {
                    body = Arrays.copyOf(body, (int) Math.min(cap, Math.max(FIRST_BYTES, 2L * body.length)));
                }
                int room = Math.min(body.length, cap) - n;
                if (covered < reservable) {
                    room = (int) Math.min(room, covered - n);
                }
                int r = in.read(body, n, room);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            bodyLength = n;
            return n;
        }

        /**
         * Reads a zstd body as {@link #read} reads a plain one. Agents compress a batch into one frame that says its
         * size: such a body is read whole, then decompressed in one call into the body, 2.5x as fast as through a
         * stream (JMH {@code decompressRequest*}). Any other (a frame of unknown size, several frames) is decompressed
         * as a stream from the bytes read. Compressed bytes past {@code limit} already make the body too large: zstd
         * does not make data smaller than it was by more than a few bytes. A damaged body is an {@link IOException}.
         */
        int readZstd(InputStream in, long limit) throws IOException {
            int n = read(in, limit);
            if (n > limit) {
                return n;
            }
            byte[] compressed = body;
            body = spare;
            spare = compressed;
            memory.release(covered);
            spareReserved += covered;
            covered = 0;
            long size = sizeOfOneFrame(compressed, n);
            if (size < 0) {
                try (InputStream stream = ContentEncoding.ZSTD.decompress(new ByteArrayInputStream(compressed, 0, n))) {
                    return read(stream, limit);
                }
            }
            if (size > limit) {
                bodyLength = 0;
                return (int) Math.min(Integer.MAX_VALUE, limit + 1);
            }
            reserveUpTo(size);
            if (body.length < size) {
                body = new byte[(int) size];
            }
            try {
                // zstd fails a frame whose content is not the size it declares, either way.
                Zstd.decompressByteArray(body, 0, (int) size, compressed, 0, n);
            } catch (ZstdException e) {
                throw new IOException("a zstd frame that declares " + size + " bytes is damaged: " + e.getMessage(), e);
            }
            bodyLength = (int) size;
            return bodyLength;
        }

        /** The size that the one zstd frame in {@code bytes[0, n)} declares; -1 for anything else. */
        private static long sizeOfOneFrame(byte[] bytes, int n) {
            try {
                long size = Zstd.getFrameContentSize(bytes, 0, n);
                return size >= 0 && Zstd.findFrameCompressedSize(bytes, 0, n) == n ? size : -1;
            } catch (ZstdException e) {
                return -1;  // read as a stream, which says what is wrong
            }
        }

        private void reserveUpTo(long bytes) throws OutOfRequestMemoryException {
            if (!memory.reserve(2 * (bytes - covered))) {
                throw new OutOfRequestMemoryException("the batches in flight hold " + memory.reserved() + " of "
                        + memory.bytes() + " bytes of request memory; retry later");
            }
            covered = bytes;
        }

        private void releaseMemory() {
            memory.release(2 * covered + spareReserved);
            covered = 0;
            spareReserved = 0;
        }

        /** The body read last; its first {@link #bodyLength} bytes are the body. */
        byte[] body() {
            return body;
        }

        int bodyLength() {
            return bodyLength;
        }
    }

    /** The request memory cannot take more of a batch now; the sender should retry later. */
    static final class OutOfRequestMemoryException extends IOException {
        OutOfRequestMemoryException(String message) {
            super(message);
        }
    }
}
