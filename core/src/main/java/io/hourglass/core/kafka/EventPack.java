package io.hourglass.core.kafka;

import io.hourglass.core.EnvelopeHeader;
import io.hourglass.core.avro.AvroBuffer;
import io.hourglass.core.avro.AvroCursor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.io.BinaryData;

/**
 * Record format 3 of {@code events.<type>}: one Kafka record holds the events of one partition from one collector
 * batch, each as its lake record ({@code core/lake/LakeRecords#schema}) in Avro's {@code bytes} encoding (a zig-zag
 * varint length, then the record), one after another. Kafka's cost is mostly per record (the producer's send, the
 * broker's validation, the consumer's parse), so packing a batch's events cuts it by the events per pack. Events are
 * still spread over partitions by their id, so every copy of an event lands in the same partition and is deduplicated
 * there. The record header {@link #HEADER} is the single byte {@link #FORMAT}; the record has no key.
 */
public final class EventPack {
    /** The record header of a pack: the same name as format 2's envelope header, so readers tell them by its value. */
    public static final String HEADER = EnvelopeHeader.KAFKA_HEADER;
    public static final byte FORMAT = 3;
    private static final byte[] HEADER_VALUE = {FORMAT};

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
     * The value of a pack of {@code count} lake records that lie in {@code source}, the i-th at {@code offsets[i]}
     * with {@code lengths[i]} bytes; {@code packedBytes} is the sum of their {@link #packedSize}s. Written into an
     * array of its exact size, which a pack built by {@link #add} would copy again.
     */
    public static byte[] value(byte[] source, int[] offsets, int[] lengths, int count, int packedBytes) {
        byte[] value = new byte[packedBytes];
        int at = 0;
        for (int i = 0; i < count; i++) {
            at += BinaryData.encodeLong(lengths[i], value, at);
            System.arraycopy(source, offsets[i], value, at, lengths[i]);
            at += lengths[i];
        }
        if (at != packedBytes) {
            throw new IllegalArgumentException("the records take " + at + " bytes in a pack, not " + packedBytes);
        }
        return value;
    }

    /** The value of {@link #HEADER} on a pack; a fresh copy, as Kafka headers hold their array. */
    public static byte[] headerValue() {
        return HEADER_VALUE.clone();
    }

    /** Whether a record with this {@link #HEADER} value is a pack. */
    public static boolean isPack(byte[] header) {
        return header != null && header.length == 1 && header[0] == FORMAT;
    }

    /** The lake records of a pack's value, and what is wrong with the bytes after them if something is. */
    public record Contents(List<byte[]> records, String damage, byte[] rest) {
    }

    /**
     * Splits a pack's value into its lake records. A damaged length stops the split: the records before it are
     * returned, and the rest of the bytes with what is wrong with them, so that nothing is dropped unseen.
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
