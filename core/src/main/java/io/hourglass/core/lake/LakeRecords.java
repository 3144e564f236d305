package io.hourglass.core.lake;

import io.hourglass.core.EnvelopeHeader;
import io.hourglass.core.EnvelopeParser;
import io.hourglass.core.avro.AvroCursor;
import java.time.Instant;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

/** The Avro record of one event in a lake file: the envelope's fields and the payload as a nested record. */
public final class LakeRecords {
    private LakeRecords() {
    }

    /** File schema for a type whose payload has schema {@code payload}. */
    public static Schema schema(String type, Schema payload) {
        Schema millis = LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
        Schema optionalMillis = Schema.createUnion(Schema.create(Schema.Type.NULL),
                LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG)));
        List<Schema.Field> fields = List.of(
                new Schema.Field("id", Schema.create(Schema.Type.STRING), "unique event id (UUID)"),
                new Schema.Field("type", Schema.create(Schema.Type.STRING), "event type"),
                new Schema.Field("version", Schema.create(Schema.Type.INT), "payload schema version it was sent with"),
                new Schema.Field("event_time", optionalMillis, "client clock, informational", null),
                new Schema.Field("logged_at", millis, "host clock when logged; decides the bucket"),
                new Schema.Field("received_at", millis, "collector clock when received"),
                new Schema.Field("host", Schema.create(Schema.Type.STRING), "host that logged it"),
                new Schema.Field("late", Schema.create(Schema.Type.BOOLEAN),
                        "true when it arrived after its own hour's bucket had closed", false),
                new Schema.Field("payload", payload, "the event, in the type's schema"));
        return Schema.createRecord(type + "Event", "one delivered " + type + " event", "io.hourglass.lake", false,
                fields);
    }

    /** The file record of an event whose payload was already read into the file's payload schema. */
    public static GenericData.Record toRecord(EnvelopeParser.Parsed<GenericData.Record> e, boolean late,
                                              Schema fileSchema) {
        GenericData.Record r = new GenericData.Record(fileSchema);
        r.put("id", e.id());
        r.put("type", e.type());
        r.put("version", e.version());
        r.put("event_time", e.eventTime() == null ? null : e.eventTime().toEpochMilli());
        r.put("logged_at", e.loggedAt().toEpochMilli());
        r.put("received_at", e.receivedAt() == null ? e.loggedAt().toEpochMilli() : e.receivedAt().toEpochMilli());
        r.put("host", e.host() == null ? "" : e.host());
        r.put("late", late || e.late());
        r.put("payload", e.payload());
        return r;
    }

    /** The envelope and type of an encoded lake record, where its {@code late} flag is and where its payload starts. */
    public record Encoded(EnvelopeHeader header, String type, int lateAt, int payloadAt) {
    }

    /** Reads the envelope of a record encoded in a {@link #schema}; throws when the bytes are not one. */
    public static Encoded envelope(byte[] record) {
        AvroCursor c = new AvroCursor(record);
        String id = c.string();
        String type = c.string();
        int version = (int) c.varint();
        Instant eventTime = c.varint() == 1 ? Instant.ofEpochMilli(c.varint()) : null;
        Instant loggedAt = Instant.ofEpochMilli(c.varint());
        Instant receivedAt = Instant.ofEpochMilli(c.varint());
        String host = c.string();
        int lateAt = c.position();
        byte lateByte = c.next();
        if (lateByte != 0 && lateByte != 1) {
            throw new IllegalArgumentException("the late flag at " + lateAt + " is " + lateByte + ", not a boolean");
        }
        boolean late = lateByte == 1;
        return new Encoded(new EnvelopeHeader(id, version, eventTime, loggedAt, receivedAt, host, late), type, lateAt,
                c.position());
    }
}
