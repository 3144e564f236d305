package io.hourglass.writer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Event ids mapped to the Kafka offset of their first copy, in flat primitive arrays: 25 bytes a slot, measured
 * 54-72 bytes an id depending on fill, where a staged event used to cost 636 bytes on the heap (a 327-byte event).
 * A canonical lower-case UUID is kept as its 128 bits; any other id as the 128-bit MD5 of its text, so distinct
 * ids collide with a chance near 2^-128.
 */
final class IdOffsets {
    private static final double LOAD = 0.6;
    private long[] highs;
    private long[] lows;
    private long[] offsets;
    private boolean[] used;
    private int size;

    IdOffsets() {
        this(1024);
    }

    private IdOffsets(int capacity) {
        highs = new long[capacity];
        lows = new long[capacity];
        offsets = new long[capacity];
        used = new boolean[capacity];
    }

    /** Adds the id at this offset; returns false (and keeps the first offset) when the id is already present. */
    boolean putIfAbsent(String id, long offset) {
        long[] key = key(id);
        return putIfAbsent(key[0], key[1], offset);
    }

    /** The offset of the id's first copy, or -1 when it is absent. */
    long offset(String id) {
        long[] key = key(id);
        int slot = find(key[0], key[1]);
        return used[slot] ? offsets[slot] : -1;
    }

    boolean contains(String id) {
        return offset(id) >= 0;
    }

    int size() {
        return size;
    }

    /** The ids whose first copy is at or below {@code maxOffset}. */
    IdOffsets upTo(long maxOffset) {
        IdOffsets kept = new IdOffsets(capacityFor(size));
        for (int i = 0; i < used.length; i++) {
            if (used[i] && offsets[i] <= maxOffset) {
                kept.putIfAbsent(highs[i], lows[i], offsets[i]);
            }
        }
        return kept;
    }

    private boolean putIfAbsent(long high, long low, long offset) {
        int slot = find(high, low);
        if (used[slot]) {
            return false;
        }
        used[slot] = true;
        highs[slot] = high;
        lows[slot] = low;
        offsets[slot] = offset;
        if (++size > used.length * LOAD) {
            grow();
        }
        return true;
    }

    private int find(long high, long low) {
        int mask = used.length - 1;
        int slot = Long.hashCode(high * 0x9E3779B97F4A7C15L ^ low) & mask;
        while (used[slot] && (highs[slot] != high || lows[slot] != low)) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private void grow() {
        long[] h = highs;
        long[] l = lows;
        long[] o = offsets;
        boolean[] u = used;
        highs = new long[h.length * 2];
        lows = new long[h.length * 2];
        offsets = new long[h.length * 2];
        used = new boolean[h.length * 2];
        size = 0;
        for (int i = 0; i < u.length; i++) {
            if (u[i]) {
                putIfAbsent(h[i], l[i], o[i]);
            }
        }
    }

    private static int capacityFor(int ids) {
        int capacity = 16;
        while (capacity * LOAD <= ids) {
            capacity *= 2;
        }
        return capacity;
    }

    /** The 128 bits that stand for an id. */
    static long[] key(String id) {
        if (isCanonicalUuid(id)) {
            return new long[] {hex(id, 0, 8) << 32 | hex(id, 9, 13) << 16 | hex(id, 14, 18),
                    hex(id, 19, 23) << 48 | hex(id, 24, 36)};
        }
        try {
            byte[] d = MessageDigest.getInstance("MD5").digest(id.getBytes(StandardCharsets.UTF_8));
            return new long[] {bytes(d, 0), bytes(d, 8)};
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has MD5", e);
        }
    }

    private static boolean isCanonicalUuid(String s) {
        if (s.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static long hex(String s, int from, int to) {
        long v = 0;
        for (int i = from; i < to; i++) {
            v = v << 4 | Character.digit(s.charAt(i), 16);
        }
        return v;
    }

    private static long bytes(byte[] b, int from) {
        long v = 0;
        for (int i = from; i < from + 8; i++) {
            v = v << 8 | (b[i] & 0xFF);
        }
        return v;
    }
}
