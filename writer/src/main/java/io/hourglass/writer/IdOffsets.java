package io.hourglass.writer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Event ids mapped to the Kafka offset of their first copy, in one open-addressing table: 24 bytes a slot, measured
 * 51-68 bytes an id depending on fill. The slots are the {@link Slots.Source}'s: on the heap, or in a file. A canonical
 * lower-case UUID is kept as its 128 bits; any other id as the 128-bit MD5 of its text, so distinct ids collide with a
 * chance near 2^-128. The table is made at the first id.
 */
public final class IdOffsets implements AutoCloseable {
    private static final double LOAD = 0.6;
    private static final long FIRST_CAPACITY = 1024;
    private static final byte[] HEX = new byte[128];

    static {
        java.util.Arrays.fill(HEX, (byte) -1);
        for (int d = 0; d < 16; d++) {
            HEX["0123456789abcdef".charAt(d)] = (byte) d;
        }
    }

    private final Slots.Source source;
    /** Slots of three longs (high bits, low bits, offset + 1; 0 when empty), side by side: a probe reads one line. */
    private Slots slots;
    private long capacity;
    private long size;

    /** A table on the heap, with no bound. */
    public IdOffsets() {
        this(Slots::onHeap);
    }

    IdOffsets(Slots.Source source) {
        this.source = source;
    }

    /** Adds the id at this offset; returns false (and keeps the first offset) when the id is already present. */
    public boolean putIfAbsent(String id, long offset) throws IOException {
        if (offset < 0) {
            throw new IllegalArgumentException("offsets are not negative: " + offset);
        }
        long[] key = key(id);
        if (size + 1 > capacity * LOAD) {
            grow();
        }
        long slot = find(key[0], key[1]);
        if (slots.get(slot + 2) != 0) {
            return false;
        }
        put(slot, key[0], key[1], offset + 1);
        return true;
    }

    /** The offset of the id's first copy, or -1 when it is absent. */
    public long offset(String id) {
        if (size == 0) {
            return -1;
        }
        long[] key = key(id);
        return slots.get(find(key[0], key[1]) + 2) - 1;
    }

    public boolean contains(String id) {
        return offset(id) >= 0;
    }

    public long size() {
        return size;
    }

    /** Lets the table go. */
    @Override
    public void close() {
        if (slots != null) {
            slots.close();
            slots = null;
            capacity = 0;
            size = 0;
        }
    }

    private void put(long slot, long high, long low, long offsetPlusOne) {
        slots.set(slot, high);
        slots.set(slot + 1, low);
        slots.set(slot + 2, offsetPlusOne);
        size++;
    }

    /** The index of the id's slot, or of the empty slot where it belongs. */
    private long find(long high, long low) {
        long mask = capacity - 1;
        long hash = high * 0x9E3779B97F4A7C15L ^ low;
        long slot = (hash ^ hash >>> 32) & mask;
        while (slots.get(slot * 3 + 2) != 0 && (slots.get(slot * 3) != high || slots.get(slot * 3 + 1) != low)) {
            slot = (slot + 1) & mask;
        }
        return slot * 3;
    }

    /** Moves the ids to a table of twice the slots; if that cannot be made, the table stays as it was. */
    private void grow() throws IOException {
        long newCapacity = capacity == 0 ? FIRST_CAPACITY : capacity * 2;
        Slots grown = source.make(newCapacity * 3);
        Slots old = slots;
        long oldCapacity = capacity;
        slots = grown;
        capacity = newCapacity;
        size = 0;
        for (long i = 0; i < oldCapacity * 3; i += 3) {
            long offsetPlusOne = old.get(i + 2);
            if (offsetPlusOne != 0) {
                put(find(old.get(i), old.get(i + 1)), old.get(i), old.get(i + 1), offsetPlusOne);
            }
        }
        if (old != null) {
            old.close();
        }
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
