package io.hourglass.core;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * One event with its delivery metadata. {@code loggedAt} decides the bucket; {@code eventTime} is the client's
 * clock and only informational.
 */
public record Envelope(
        String id,
        String type,
        int version,
        Instant eventTime,
        Instant loggedAt,
        Instant receivedAt,
        String host,
        boolean late,
        ObjectNode payload) {

    public Envelope {
        requireNonNull(id, "id is null");
        requireNonNull(type, "type is null");
        requireNonNull(loggedAt, "loggedAt is null");
        requireNonNull(payload, "payload is null");
    }

    public Instant hour() {
        return Hours.hourOf(loggedAt);
    }

    public Envelope received(Instant at, String byHost) {
        return new Envelope(id, type, version, eventTime, loggedAt, at, byHost, late, payload);
    }

    public Envelope asLate() {
        return new Envelope(id, type, version, eventTime, loggedAt, receivedAt, host, true, payload);
    }

    /** The JSON form used in host logs, on Kafka and in bad rows. */
    public ObjectNode toJson() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("id", id);
        n.put("type", type);
        n.put("version", version);
        if (eventTime != null) {
            n.put("event_time", eventTime.toString());
        }
        n.put("logged_at", loggedAt.toString());
        if (receivedAt != null) {
            n.put("received_at", receivedAt.toString());
        }
        if (host != null) {
            n.put("host", host);
        }
        if (late) {
            n.put("late", true);
        }
        n.set("payload", payload);
        return n;
    }

    public byte[] toBytes() {
        return Json.toBytes(toJson());
    }

    /** Parses one envelope, with reasons a sender can act on. Does not validate the payload's schema. */
    public static Envelope parse(byte[] line) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(line);
        } catch (IOException e) {
            throw new InvalidEventException("malformed_json", "not valid JSON: " + firstLine(e.getMessage()));
        }
        if (n == null || !n.isObject()) {
            throw new InvalidEventException("malformed_json", "an event must be a JSON object");
        }
        String id = text(n, "id", true);
        try {
            UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException("invalid_field", "field 'id' must be a UUID, got '" + id + "'");
        }
        String type = text(n, "type", true);
        JsonNode version = n.get("version");
        if (version == null || !version.canConvertToInt() || !version.isIntegralNumber() || version.intValue() < 1) {
            throw new InvalidEventException("invalid_field", "field 'version' must be a positive integer");
        }
        JsonNode payload = n.get("payload");
        if (payload == null || !payload.isObject()) {
            throw new InvalidEventException("invalid_field", "field 'payload' must be a JSON object");
        }
        Instant loggedAt = instant(n, "logged_at", true);
        return new Envelope(id, type, version.intValue(), instant(n, "event_time", false), loggedAt,
                instant(n, "received_at", false), optionalText(n, "host"), n.path("late").asBoolean(false),
                (ObjectNode) payload);
    }

    private static String text(JsonNode n, String field, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new InvalidEventException("missing_field", "field '" + field + "' is required");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new InvalidEventException("invalid_field", "field '" + field + "' must be a string");
        }
        return v.textValue();
    }

    private static String optionalText(JsonNode n, String field) {
        return text(n, field, false);
    }

    private static Instant instant(JsonNode n, String field, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new InvalidEventException("missing_field", "field '" + field + "' is required");
            }
            return null;
        }
        if (v.isIntegralNumber()) {
            return Instant.ofEpochMilli(v.longValue());
        }
        if (v.isTextual()) {
            try {
                return Instants.parse(v.textValue());
            } catch (DateTimeParseException e) {
                // fall through to the error below
            }
        }
        throw new InvalidEventException("invalid_field",
                "field '" + field + "' must be an ISO-8601 UTC instant like 2026-01-31T13:45:00.123Z, or epoch millis");
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
