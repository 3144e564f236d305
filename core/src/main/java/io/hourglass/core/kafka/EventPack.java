package io.hourglass.core.kafka;

import io.hourglass.core.EnvelopeHeader;
import io.hourglass.core.avro.AvroBuffer;
import io.hourglass.core.avro.AvroCursor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.io.BinaryData;
import org.xerial.snappy.Snappy;

/**
 * Record formats 3 and 4 of {@code events.<type>}: one Kafka record holds the events of one partition from one
 * collector batch, each as its lake record ({@code core/lake/LakeRecords#schema}) in Avro's {@code bytes} encoding (a
 * zig-zag varint length, then the record), one after another. Kafka's cost is mostly per record (the producer's send,
 * the broker's validation, the consumer's parse), so packing a batch's events cuts it by the events per pack. Events
 * are still spread over partitions by their id, so every copy of an event lands in the same partition and is
 * deduplicated there. The record header {@link #HEADER} is the single byte of the format, and the record has no key.
 * Format 3 ({@link #PLAIN}) holds the bytes as they are; format 4 ({@link #COMPRESSED}), what collectors write, holds
 * them as one raw Snappy block, and Kafka does not compress its batches again: a broker validates a compressed batch
 * by decompressing it (in a bench profile, a third of its request threads' time), and an uncompressed one without.
 */
public final class EventPack {
    /** The record header of a pack: the same name as format 2's envelope header, so readers tell them by its value. */
    public static final String HEADER = EnvelopeHeader.KAFKA_HEADER;
    public static final byte PLAIN = 3;
    public static final byte COMPRESSED = 4;
    /**
     * The most bytes a compressed pack may unpack to: collectors make packs of up to 256 KiB, or of one event of up to
     * 384 KiB. A value that claims more is damaged, and is not unpacked.
     */
    public static final int MAX_UNPACKED_BYTES = 16 << 20;

    private final AvroBuffer bytes;
    private int events;

    public EventPack(int initialCapacity) {
        bytes = new AvroBuffer(initialCapacity);
    }

    /** Appends one lake record. */
    public void add(AvroBuffer record) {
        bytes.writeLong(record.size());
        bytes.write(record);
        events++;
    }

    public int events() {
        return events;
    }

    public int sizeBytes() {
        return bytes.size();
    }

    /** The record value of the events added so far. */
    public byte[] toValue() {
        return bytes.toByteArray();
    }

    public void clear() {
        bytes.reset();
        events = 0;
    }

    /** The bytes that a lake record of {@code length} bytes takes in a pack: its length as a varint, then itself. */
    public static int packedSize(int length) {
        long zigZag = (long) length << 1;  // lengths are not negative
        return (64 - Long.numberOfLeadingZeros(zigZag | 1) + 6) / 7 + length;
    }

    /**
     * Writes at the start of {@code value} the plain value of a pack of {@code count} lake records that lie in
     * {@code source}, the i-th at {@code offsets[i]} with {@code lengths[i]} bytes; {@code packedBytes} is the sum of
     * their {@link #packedSize}s.
     */
    private static void write(byte[] source, int[] offsets, int[] lengths, int count, int packedBytes, byte[] value) {
        int at = 0;
        for (int i = 0; i < count; i++) {
            at += BinaryData.encodeLong(lengths[i], value, at);
            System.arraycopy(source, offsets[i], value, at, lengths[i]);
            at += lengths[i];
        }
        if (at != packedBytes) {
            throw new IllegalArgumentException("the records take " + at + " bytes in a pack, not " + packedBytes);
        }
    }

    /** The value of {@link #HEADER} on a pack of {@code format}; a fresh array, as Kafka headers hold theirs. */
    public static byte[] headerValue(byte format) {
        return new byte[] {format};
    }

    /** Whether a record with this {@link #HEADER} value is a pack, of either format. */
    public static boolean isPack(byte[] header) {
        return header != null && header.length == 1 && (header[0] == PLAIN || header[0] == COMPRESSED);
    }

    /**
     * Makes the values of compressed packs (format 4), keeping its buffers from pack to pack: the pack's bytes, and
     * their Snappy block, whose exact-size copy is the value. Not thread-safe.
     */
    public static final class Compressor {
        private byte[] plain = new byte[0];
        private byte[] compressed = new byte[0];

        /**
         * The compressed value of a pack of records that lie in {@code source} (see {@link EventPack#write}), written
         * from there, where a pack built by {@link #add} would copy them again.
         */
        public byte[] value(byte[] source, int[] offsets, int[] lengths, int count, int packedBytes) {
            if (plain.length < packedBytes) {
                plain = new byte[packedBytes];
                compressed = new byte[Snappy.maxCompressedLength(packedBytes)];
            }
            write(source, offsets, lengths, count, packedBytes, plain);
            try {
                return Arrays.copyOf(compressed, Snappy.rawCompress(plain, 0, packedBytes, compressed, 0));
            } catch (IOException e) {
                throw new UncheckedIOException("Snappy could not compress a pack of " + packedBytes + " bytes", e);
            }
        }
    }

    /** The lake records of a pack's value, and what is wrong with the bytes after them if something is. */
    public record Contents(List<byte[]> records, String damage, byte[] rest) {
    }

    /**
     * The lake records of a pack's value, of the format its {@link #HEADER} value names ({@link #isPack}). A
     * compressed value that does not unpack, or that claims more than {@link #MAX_UNPACKED_BYTES}, is returned whole
     * as the rest, with what is wrong with it.
     */
    public static Contents read(byte[] header, byte[] value) {
        if (header[0] != COMPRESSED) {
            return read(value);
        }
        byte[] unpacked;
        try {
            int length = Snappy.uncompressedLength(value);
            if (length < 0 || length > MAX_UNPACKED_BYTES) {
                return new Contents(List.of(), "a compressed pack claims " + (length & 0xFFFFFFFFL)
                        + " bytes unpacked; a pack holds at most " + MAX_UNPACKED_BYTES, value);
            }
            unpacked = new byte[length];
            int n = Snappy.rawUncompress(value, 0, value.length, unpacked, 0);
            if (n != length) {
                return new Contents(List.of(), "a compressed pack unpacked to " + n + " bytes, not the " + length
                        + " it claims", value);
            }
        } catch (IOException e) {
            return new Contents(List.of(), "a compressed pack's value is not a Snappy block: " + e.getMessage(),
                    value);
        }
        return read(unpacked);
    }

    /**
     * Splits a plain pack's value (format 3) into its lake records. A damaged length stops the split: the records
     * before it are returned, and the rest of the bytes with what is wrong with them, so that nothing is dropped
     * unseen.
     */
    public static Contents read(byte[] value) {
        List<byte[]> records = new ArrayList<>();
        AvroCursor c = new AvroCursor(value);
        while (!c.atEnd()) {
            int start = c.position();
            byte[] record;
            try {
                record = c.bytes();
            } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                record = new byte[0];
            }
            if (record.length == 0) {
                return new Contents(records, "a pack's record length at byte " + start + " is damaged",
                        Arrays.copyOfRange(value, start, value.length));
            }
            records.add(record);
        }
        return new Contents(records, null, new byte[0]);
    }
}
