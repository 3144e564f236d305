package io.hourglass.core.avro;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.avro.io.BinaryData;

/** A growable byte array that Avro's binary encoding is written into, reused from one record to the next. */
public final class AvroBuffer {
    private static final int MAX_VARINT_BYTES = 10;
    private byte[] bytes;
    private byte[] scratch = new byte[0];
    private int size;

    public AvroBuffer(int initialCapacity) {
        bytes = new byte[initialCapacity];
    }

    public int size() {
        return size;
    }

    public void reset() {
        size = 0;
    }

    /** The bytes it holds before it must grow. */
    public int capacity() {
        return bytes.length;
    }

    /** What was written, valid until the next write. */
    public ByteBuffer asByteBuffer() {
        return ByteBuffer.wrap(bytes, 0, size);
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    public void writeBoolean(boolean b) {
        ensure(1);
        bytes[size++] = (byte) (b ? 1 : 0);
    }

    public void writeInt(int n) {
        ensure(MAX_VARINT_BYTES);
        size += BinaryData.encodeInt(n, bytes, size);
    }

    public void writeLong(long n) {
        ensure(MAX_VARINT_BYTES);
        size += BinaryData.encodeLong(n, bytes, size);
    }

    public void writeFloat(float f) {
        ensure(4);
        size += BinaryData.encodeFloat(f, bytes, size);
    }

    public void writeDouble(double d) {
        ensure(8);
        size += BinaryData.encodeDouble(d, bytes, size);
    }

    /** A string in UTF-8; plain ASCII (ids, types, hosts) is copied a char at a time, without an array for it. */
    public void writeString(String s) {
        int length = s.length();
        ensure(MAX_VARINT_BYTES + length);
        int at = size + BinaryData.encodeInt(length, bytes, size);
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);  // its length, written over the chars' count
                writeLong(utf8.length);
                write(utf8);
                return;
            }
            bytes[at + i] = (byte) c;
        }
        size = at + length;
    }

    /** A string from a char range: plain ASCII is copied as is, anything else encoded as {@link String} would. */
    void writeString(char[] chars, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (chars[i] >= 0x80) {
                writeString(new String(chars, offset, length));
                return;
            }
        }
        writeLong(length);
        ensure(length);
        for (int i = 0; i < length; i++) {
            bytes[size + i] = (byte) chars[offset + i];
        }
        size += length;
    }

    /** A string whose UTF-8 is {@code bytes[offset, offset+length)}: written as it is. */
    public void writeUtf8(byte[] bytes, int offset, int length) {
        writeLong(length);
        ensure(length);
        System.arraycopy(bytes, offset, this.bytes, size, length);
        size += length;
    }

    public void write(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, bytes, size, b.length);
        size += b.length;
    }

    public void write(AvroBuffer other) {
        ensure(other.size);
        System.arraycopy(other.bytes, 0, bytes, size, other.size);
        size += other.size;
    }

    /** Turns the items written since {@code start} into one Avro block of {@code count} items and ends the list. */
    void closeBlock(int start, long count) {
        if (count > 0) {
            byte[] varint = new byte[MAX_VARINT_BYTES];
            int n = BinaryData.encodeLong(count, varint, 0);
            ensure(n);
            System.arraycopy(bytes, start, bytes, start + n, size - start);
            System.arraycopy(varint, 0, bytes, start, n);
            size += n;
        }
        writeLong(0);
    }

    /**
     * Puts the ranges {@code from[i]..to[i]} of what was written since {@code start} in the order of {@code i},
     * dropping whatever lies outside them: a record's fields, written in the order they came, put in schema order.
     */
    void reorder(int start, int[] from, int[] to, int count) {
        int length = size - start;
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        int at = 0;
        for (int i = 0; i < count; i++) {
            System.arraycopy(bytes, from[i], scratch, at, to[i] - from[i]);
            at += to[i] - from[i];
        }
        System.arraycopy(scratch, 0, bytes, start, at);
        size = start + at;
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(size + more, bytes.length * 2));
        }
    }
}
