package io.hourglass.writer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Event ids mapped to the Kafka offset of their first copy, in one flat array: 24 bytes a slot, measured 51-68
 * bytes an id depending on fill, where a staged event used to cost 636 bytes on the heap (a 327-byte event).
 * A canonical lower-case UUID is kept as its 128 bits; any other id as the 128-bit MD5 of its text, so distinct
 * ids collide with a chance near 2^-128.
 */
public final class IdOffsets {
    private static final double LOAD = 0.6;
    private static final long EMPTY = Long.MIN_VALUE;
    private static final byte[] HEX = new byte[128];

    static {
        java.util.Arrays.fill(HEX, (byte) -1);
        for (int d = 0; d < 16; d++) {
            HEX["0123456789abcdef".charAt(d)] = (byte) d;
        }
    }

    /** Slots of three longs (high bits, low bits, offset), side by side so that a probe reads one cache line. */
    private long[] slots;
    private int size;

    public IdOffsets() {
        slots = emptySlots(1024);
    }

    /** Adds the id at this offset; returns false (and keeps the first offset) when the id is already present. */
    public boolean putIfAbsent(String id, long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offsets are not negative: " + offset);
        }
        long[] key = key(id);
        return putIfAbsent(key[0], key[1], offset);
    }

    /** The offset of the id's first copy, or -1 when it is absent. */
    public long offset(String id) {
        long[] key = key(id);
        long offset = slots[find(key[0], key[1]) + 2];
        return offset == EMPTY ? -1 : offset;
    }

    public boolean contains(String id) {
        return offset(id) >= 0;
    }

    public int size() {
        return size;
    }

    private boolean putIfAbsent(long high, long low, long offset) {
        int slot = find(high, low);
        if (slots[slot + 2] != EMPTY) {
            return false;
        }
        slots[slot] = high;
        slots[slot + 1] = low;
        slots[slot + 2] = offset;
        if (++size > slots.length / 3 * LOAD) {
            grow();
        }
        return true;
    }

    /** The index of the id's slot, or of the empty slot where it belongs. */
    private int find(long high, long low) {
        int mask = slots.length / 3 - 1;
        int slot = Long.hashCode(high * 0x9E3779B97F4A7C15L ^ low) & mask;
        while (slots[slot * 3 + 2] != EMPTY && (slots[slot * 3] != high || slots[slot * 3 + 1] != low)) {
            slot = (slot + 1) & mask;
        }
        return slot * 3;
    }

    private void grow() {
        long[] old = slots;
        slots = emptySlots(old.length / 3 * 2);
        size = 0;
        for (int i = 0; i < old.length; i += 3) {
            if (old[i + 2] != EMPTY) {
                putIfAbsent(old[i], old[i + 1], old[i + 2]);
            }
        }
    }

    private static long[] emptySlots(int capacity) {
        long[] slots = new long[capacity * 3];
        for (int i = 2; i < slots.length; i += 3) {
            slots[i] = EMPTY;
        }
        return slots;
    }

    /** The 128 bits that stand for an id. */
    public static long[] key(String id) {
        long[] uuid = canonicalUuid(id);
        if (uuid != null) {
            return uuid;
        }
        try {
            byte[] d = MessageDigest.getInstance("MD5").digest(id.getBytes(StandardCharsets.UTF_8));
            return new long[] {bytes(d, 0), bytes(d, 8)};
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has MD5", e);
        }
    }

    /** The bits of {@code xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx} in lower-case hex, or null for any other text. */
    private static long[] canonicalUuid(String s) {
        if (s.length() != 36) {
            return null;
        }
        long high = 0;
        long low = 0;
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') {
                    return null;
                }
                continue;
            }
            int digit = c < HEX.length ? HEX[c] : -1;
            if (digit < 0) {
                return null;
            }
            if (i < 18) {
                high = high << 4 | digit;
            } else {
                low = low << 4 | digit;
            }
        }
        return new long[] {high, low};
    }

    private static long bytes(byte[] b, int from) {
        long v = 0;
        for (int i = from; i < from + 8; i++) {
            v = v << 8 | (b[i] & 0xFF);
        }
        return v;
    }
}
