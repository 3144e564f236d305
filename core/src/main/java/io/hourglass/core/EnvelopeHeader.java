package io.hourglass.core;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * The envelope's fields without the payload. The collector sends them as a Kafka record header in a small binary
 * form, so that writers route and deduplicate an event without reading its value. Since format 2 the record's value
 * is the payload alone, in Avro's binary encoding of the type's schema of {@code version}; in format 1 (collectors
 * before it) the value is the whole event as JSON, which is also read when the header is missing or damaged.
 */
public record EnvelopeHeader(String id, int version, Instant eventTime, Instant loggedAt, Instant receivedAt,
                             String host, boolean late) {
    public EnvelopeHeader {
        requireNonNull(id, "id is null");
        requireNonNull(loggedAt, "loggedAt is null");
    }

    public Instant hour() {
        return Hours.hourOf(loggedAt);
    }

    /** Name of the Kafka record header that carries these fields; the record key is the id. */
    public static final String KAFKA_HEADER = "hourglass";
    private static final byte JSON_VALUE = 1;
    private static final byte AVRO_VALUE = 2;
    /** Format, version, logged_at (seconds, nanos), received flag, received_at, host length. */
    private static final int FIXED_BYTES = 1 + 4 + 12 + 1 + 12 + 4;
    /** Format 2 adds an event_time flag, event_time and the late flag. */
    private static final int FIXED_BYTES_AVRO = FIXED_BYTES + 1 + 12 + 1;

    /** The binary form for {@link #KAFKA_HEADER} of a record whose value is the Avro payload; the id is the key. */
    public byte[] toKafkaHeader() {
        byte[] hostBytes = host == null ? null : host.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(FIXED_BYTES_AVRO + (hostBytes == null ? 0 : hostBytes.length));
        b.put(AVRO_VALUE).putInt(version).putLong(loggedAt.getEpochSecond()).putInt(loggedAt.getNano());
        putOptional(b, receivedAt);
        putOptional(b, eventTime);
        b.put((byte) (late ? 1 : 0));
        b.putInt(hostBytes == null ? -1 : hostBytes.length);
        if (hostBytes != null) {
            b.put(hostBytes);
        }
        return b.array();
    }

    /** Whether a record with this {@link #KAFKA_HEADER} carries the Avro payload rather than the event's JSON. */
    public static boolean valueIsAvro(byte[] header) {
        return header != null && header.length >= FIXED_BYTES_AVRO && header[0] == AVRO_VALUE;
    }

    /** Reads {@link #toKafkaHeader()} or format 1; empty when the bytes are neither, so the caller reads the value. */
    public static Optional<EnvelopeHeader> fromKafkaHeader(String id, byte[] header) {
        boolean avro = valueIsAvro(header);
        if (id == null || header == null || !avro && (header.length < FIXED_BYTES || header[0] != JSON_VALUE)) {
            return Optional.empty();
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(header, 1, header.length - 1);
            int version = b.getInt();
            Instant loggedAt = Instant.ofEpochSecond(b.getLong(), b.getInt());
            Instant receivedAt = optional(b);
            Instant eventTime = avro ? optional(b) : null;
            boolean late = avro && b.get() == 1;
            int hostLength = b.getInt();
            if (hostLength > b.remaining()) {
                return Optional.empty();
            }
            String host = hostLength < 0 ? null : new String(header, b.position(), hostLength, StandardCharsets.UTF_8);
            return Optional.of(new EnvelopeHeader(id, version, eventTime, loggedAt, receivedAt, host, late));
        } catch (RuntimeException e) {
            return Optional.empty();  // damaged
        }
    }

    private static void putOptional(ByteBuffer b, Instant t) {
        Instant value = t == null ? Instant.EPOCH : t;
        b.put((byte) (t == null ? 0 : 1)).putLong(value.getEpochSecond()).putInt(value.getNano());
    }

    private static Instant optional(ByteBuffer b) {
        boolean present = b.get() == 1;
        Instant value = Instant.ofEpochSecond(b.getLong(), b.getInt());
        return present ? value : null;
    }

    /** Reads the header of an envelope as the collector wrote it; throws {@link InvalidEventException} otherwise. */
    public static EnvelopeHeader parse(byte[] json) {
        String id = null;
        String host = null;
        int version = 0;
        Instant loggedAt = null;
        Instant receivedAt = null;
        Instant eventTime = null;
        boolean late = false;
        try (JsonParser p = Json.MAPPER.getFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidEventException("malformed_json", "an event must be a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "id" -> id = p.getValueAsString();
                    case "version" -> version = p.getValueAsInt();
                    case "host" -> host = p.getValueAsString();
                    case "logged_at" -> loggedAt = instant(p, value);
                    case "received_at" -> receivedAt = instant(p, value);
                    case "event_time" -> eventTime = instant(p, value);
                    case "late" -> late = value == JsonToken.VALUE_TRUE;
                    default -> p.skipChildren();
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidEventException iee) {
                throw iee;
            }
            throw new InvalidEventException("malformed_json", "not a valid envelope: " + e.getMessage());
        }
        if (id == null || loggedAt == null) {
            throw new InvalidEventException("missing_field", "an envelope needs 'id' and 'logged_at'");
        }
        return new EnvelopeHeader(id, version, eventTime, loggedAt, receivedAt, host, late);
    }

    private static Instant instant(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        return value == JsonToken.VALUE_NUMBER_INT ? Instant.ofEpochMilli(p.getLongValue())
                : Instants.parse(p.getText());
    }
}
