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
 * The envelope's fields without the payload. The collector also sends them as a Kafka record header in a small binary
 * form, so that writers route and deduplicate an event without parsing its JSON; an event without that header is
 * read with a streaming parser that skips the payload.
 */
public record EnvelopeHeader(String id, int version, Instant loggedAt, Instant receivedAt, String host) {
    public EnvelopeHeader {
        requireNonNull(id, "id is null");
        requireNonNull(loggedAt, "loggedAt is null");
    }

    public Instant hour() {
        return Hours.hourOf(loggedAt);
    }

    /** Name of the Kafka record header that carries these fields; the record key is the id. */
    public static final String KAFKA_HEADER = "hourglass";
    private static final byte FORMAT = 1;
    /** Format, version, logged_at (seconds, nanos), received flag, received_at (seconds, nanos), host length. */
    private static final int FIXED_BYTES = 1 + 4 + 12 + 1 + 12 + 4;

    /** The binary form for {@link #KAFKA_HEADER}: everything but the id, which is the record key. */
    public byte[] toKafkaHeader() {
        byte[] hostBytes = host == null ? null : host.getBytes(StandardCharsets.UTF_8);
        Instant received = receivedAt == null ? Instant.EPOCH : receivedAt;
        ByteBuffer b = ByteBuffer.allocate(FIXED_BYTES + (hostBytes == null ? 0 : hostBytes.length));
        b.put(FORMAT).putInt(version).putLong(loggedAt.getEpochSecond()).putInt(loggedAt.getNano());
        b.put((byte) (receivedAt == null ? 0 : 1)).putLong(received.getEpochSecond()).putInt(received.getNano());
        b.putInt(hostBytes == null ? -1 : hostBytes.length);
        if (hostBytes != null) {
            b.put(hostBytes);
        }
        return b.array();
    }

    /** Reads {@link #toKafkaHeader()}; empty when the bytes are not that form, so the caller parses the JSON. */
    public static Optional<EnvelopeHeader> fromKafkaHeader(String id, byte[] header) {
        if (id == null || header == null || header.length < FIXED_BYTES || header[0] != FORMAT) {
            return Optional.empty();
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(header, 1, header.length - 1);
            int version = b.getInt();
            Instant loggedAt = Instant.ofEpochSecond(b.getLong(), b.getInt());
            boolean received = b.get() == 1;
            Instant receivedAt = Instant.ofEpochSecond(b.getLong(), b.getInt());
            int hostLength = b.getInt();
            if (hostLength > b.remaining()) {
                return Optional.empty();
            }
            String host = hostLength < 0 ? null : new String(header, b.position(), hostLength, StandardCharsets.UTF_8);
            return Optional.of(new EnvelopeHeader(id, version, loggedAt, received ? receivedAt : null, host));
        } catch (RuntimeException e) {
            return Optional.empty();  // damaged: the JSON is still there
        }
    }

    /** Reads the header of an envelope as the collector wrote it; throws {@link InvalidEventException} otherwise. */
    public static EnvelopeHeader parse(byte[] json) {
        String id = null;
        String host = null;
        int version = 0;
        Instant loggedAt = null;
        Instant receivedAt = null;
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
        return new EnvelopeHeader(id, version, loggedAt, receivedAt, host);
    }

    private static Instant instant(JsonParser p, JsonToken value) throws IOException {
        return value == JsonToken.VALUE_NUMBER_INT ? Instant.ofEpochMilli(p.getLongValue()) : Instants.parse(p.getText());
    }
}
