package io.hourglass.core.lake;

import io.hourglass.core.EnvelopeHeader;
import io.hourglass.core.EnvelopeParser;
import io.hourglass.core.InvalidEventException;
import io.hourglass.core.avro.AvroBuffer;
import io.hourglass.core.avro.PayloadEncoder;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * The Avro binary form of an event's lake record ({@link LakeRecords#schema}), for
 * {@code DataFileWriter.appendEncoded}: the same bytes as {@link LakeRecords#toRecord} written by Avro, with no record
 * built. From the event's JSON, as collectors before format 2 wrote it into Kafka (a quarter less CPU than through a
 * record), or from a format-2 header and Avro payload (only the envelope is encoded). Not thread-safe.
 */
public final class LakeRecordEncoder {
    private final AvroBuffer payload = new AvroBuffer(1024);
    private final AvroBuffer record = new AvroBuffer(1024);
    private final EnvelopeParser.PayloadReader<Boolean> reader;

    /** For files whose payload schema is {@code payloadSchema}; older versions' payloads are read into it. */
    public LakeRecordEncoder(Schema payloadSchema) {
        PayloadEncoder encoder = new PayloadEncoder(payloadSchema, false);
        this.reader = (p, type, version) -> {
            payload.reset();
            return encoder.encode(p, payload);
        };
    }

    /**
     * The encoded lake record, valid until the next call; empty when the event has to take the general way
     * ({@link LakeRecords#toRecord}), which also tells what is wrong with it.
     */
    public Optional<ByteBuffer> encode(byte[] event, boolean late) {
        EnvelopeParser.Parsed<Boolean> e;
        try {
            e = EnvelopeParser.parse(event, reader);
        } catch (InvalidEventException invalid) {
            return Optional.empty();
        }
        if (!Boolean.TRUE.equals(e.payload())) {
            return Optional.empty();
        }
        record.reset();
        writeEnvelope(record, e.id(), e.type(), e.version(), e.eventTime(), e.loggedAt(), e.receivedAt(), e.host(),
                late || e.late());
        record.write(payload);
        return Optional.of(record.asByteBuffer());
    }

    /**
     * The lake record of an event that came through Kafka as a header and an Avro payload in its own version's
     * schema: the envelope's fields encoded, then the payload's bytes as they are.
     */
    public static byte[] fromKafka(String type, EnvelopeHeader h, byte[] payload) {
        AvroBuffer out = new AvroBuffer(64 + payload.length);
        write(out, type, h, payload);
        return out.toByteArray();
    }

    /** Appends the lake record of an event, its envelope {@code h} and its payload in its own version's Avro. */
    public static void write(AvroBuffer out, String type, EnvelopeHeader h, byte[] payload) {
        writeEnvelope(out, h.id(), type, h.version(), h.eventTime(), h.loggedAt(), h.receivedAt(), h.host(), h.late());
        out.write(payload);
    }

    /** Appends the lake record of an event, its envelope {@code h} and its payload in its own version's Avro. */
    public static void write(AvroBuffer out, String type, EnvelopeHeader h, AvroBuffer payload) {
        writeEnvelope(out, h.id(), type, h.version(), h.eventTime(), h.loggedAt(), h.receivedAt(), h.host(), h.late());
        out.write(payload);
    }

    /** The envelope's fields in the order of {@link LakeRecords#schema}; the payload follows them. */
    private static void writeEnvelope(AvroBuffer out, String id, String type, int version, Instant eventTime,
                                      Instant loggedAt, Instant receivedAt, String host, boolean late) {
        out.writeString(id);
        out.writeString(type);
        out.writeInt(version);
        if (eventTime == null) {
            out.writeInt(0);  // the null branch of event_time
        } else {
            out.writeInt(1);
            out.writeLong(eventTime.toEpochMilli());
        }
        out.writeLong(loggedAt.toEpochMilli());
        out.writeLong((receivedAt == null ? loggedAt : receivedAt).toEpochMilli());
        out.writeString(host == null ? "" : host);
        out.writeBoolean(late);
    }
}
