package io.hourglass.collector;

import io.hourglass.core.avro.AvroBuffer;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The buffers a batch needs as large as its body (the body itself and its events' lake records), kept from one batch
 * to the next. G1 allocates an array of half a heap region or more (512 KiB with a 1 GiB heap) in the old generation,
 * zeroes it and may start a concurrent mark for it: two such arrays for every batch of an agent were most of the
 * collector's part in GC. Holds at most {@code kept} sets, and none grown past {@link #KEEP_MAX_BYTES}. Thread-safe.
 */
final class RequestBuffers {
    /** Buffers grown larger than this, by rare large batches, are left to the GC instead of kept. */
    static final int KEEP_MAX_BYTES = 4 << 20;
    private static final int FIRST_BYTES = 64 * 1024;

    private final BlockingQueue<Set> free;

    RequestBuffers(int kept) {
        free = new ArrayBlockingQueue<>(kept);
    }

    /** A set of buffers, kept or new; give it back with {@link #release} when the batch is answered. */
    Set take() {
        Set s = free.poll();
        return s != null ? s : new Set();
    }

    void release(Set s) {
        if (s.body.length <= KEEP_MAX_BYTES && s.records.capacity() <= KEEP_MAX_BYTES) {
            s.records.reset();
            free.offer(s);
        }
    }

    /** One batch's buffers. Not thread-safe. */
    static final class Set {
        private byte[] body = new byte[FIRST_BYTES];
        private int bodyLength;
        final AvroBuffer records = new AvroBuffer(FIRST_BYTES);
        final AvroBuffer payload = new AvroBuffer(1024);

        /**
         * Reads {@code in} to its end, or to one byte past {@code limit}, whichever comes first; returns the bytes
         * read, which {@link #body} then holds.
         */
        int read(InputStream in, long limit) throws IOException {
            int cap = (int) Math.min(Integer.MAX_VALUE - 8, limit + 1);
            int n = 0;
            while (n < cap) {
                if (n == body.length) {
                    body = Arrays.copyOf(body, (int) Math.min(cap, 2L * body.length));
                }
                int r = in.read(body, n, Math.min(body.length, cap) - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            bodyLength = n;
            return n;
        }

        /** The body read last; its first {@link #bodyLength} bytes are the body. */
        byte[] body() {
            return body;
        }

        int bodyLength() {
            return bodyLength;
        }
    }
}
