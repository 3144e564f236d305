package io.hourglass.core.avro;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads Avro's zig-zag varints, strings and bytes from a byte array, and tells where it is: Avro's decoders do not,
 * and a lake record's late flag and payload, or a pack's damaged tail, are found by position. Throws
 * {@link IllegalArgumentException} or {@link IndexOutOfBoundsException} on bytes that are not what is read.
 */
public final class AvroCursor {
    private final byte[] bytes;
    private int at;

    public AvroCursor(byte[] bytes) {
        this(bytes, 0);
    }

    /** A cursor at {@code at} of {@code bytes}. */
    public AvroCursor(byte[] bytes, int at) {
        this.bytes = bytes;
        this.at = at;
    }

    public int position() {
        return at;
    }

    public boolean atEnd() {
        return at >= bytes.length;
    }

    /** The next single byte, as a boolean is written. */
    public byte next() {
        return bytes[at++];
    }

    public long varint() {
        long raw = 0;
        for (int shift = 0; ; shift += 7) {
            if (shift > 63) {
                throw new IllegalArgumentException("a varint runs past 10 bytes");
            }
            byte b = bytes[at++];
            raw |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
    }

    public String string() {
        int length = length("string");
        String s = new String(bytes, at, length, StandardCharsets.UTF_8);
        at += length;
        return s;
    }

    public byte[] bytes() {
        int length = length("bytes value");
        byte[] b = Arrays.copyOfRange(bytes, at, at + length);
        at += length;
        return b;
    }

    private int length(String what) {
        long length = varint();
        if (length < 0 || length > bytes.length - at) {
            throw new IllegalArgumentException("a " + what + " of " + length + " bytes at " + at + " does not fit");
        }
        return (int) length;
    }
}
