package io.hourglass.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Looks at eight bytes of an array at once, as one long (lowest address in the lowest byte): the agent and the
 * collector search every byte of every batch ({@link Lines}, {@link PlainJson}). A test returns the high bit of each
 * byte that passes it; for the tests by subtraction the lowest flag is exact and those above it may not be, so only
 * the first flagged byte ({@link #first}) counts.
 */
final class EightBytes {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LOW_BITS = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    private EightBytes() {
    }

    /** The eight bytes from {@code i}. */
    static long at(byte[] b, int i) {
        return (long) LONGS.get(b, i);
    }

    /** The byte {@code b} in each of the eight places, for {@link #equalTo} and {@link #below}. */
    static long repeated(char b) {
        return LOW_BITS * b;
    }

    /** Flags the bytes of {@code word} equal to the byte in {@code repeated}: the zero bytes of their xor. */
    static long equalTo(long word, long repeated) {
        long x = word ^ repeated;
        return (x - LOW_BITS) & ~x & HIGH_BITS;
    }

    /** Flags the ASCII bytes of {@code word} below the byte that {@code repeated} holds (at most 0x80). */
    static long below(long word, long repeated) {
        return (word - repeated) & ~word & HIGH_BITS;
    }

    /** Flags the bytes of {@code word} that are not ASCII. */
    static long nonAscii(long word) {
        return word & HIGH_BITS;
    }

    /** Where in the eight bytes the first flagged one is. */
    static int first(long flags) {
        return Long.numberOfTrailingZeros(flags) >>> 3;
    }
}
