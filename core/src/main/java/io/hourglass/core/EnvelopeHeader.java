package io.hourglass.core;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;

/**
 * The envelope's fields without the payload, read with a streaming parser that skips the payload. Writers keep
 * only this and the raw bytes while an hour is open, which costs a fraction of a parsed event's memory.
 */
public record EnvelopeHeader(String id, int version, Instant loggedAt, Instant receivedAt, String host) {
    public EnvelopeHeader {
        requireNonNull(id, "id is null");
        requireNonNull(loggedAt, "loggedAt is null");
    }

    public Instant hour() {
        return Hours.hourOf(loggedAt);
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
