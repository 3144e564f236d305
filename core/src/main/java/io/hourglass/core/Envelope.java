package io.hourglass.core;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

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
        EnvelopeParser.Parsed<ObjectNode> e = EnvelopeParser.parse(line,
                (p, type, version) -> (ObjectNode) Json.MAPPER.readTree(p));
        return new Envelope(e.id(), e.type(), e.version(), e.eventTime(), e.loggedAt(), e.receivedAt(), e.host(),
                e.late(), e.payload());
    }
}
