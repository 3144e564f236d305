package io.hourglass.core;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * Reads an envelope in one streaming pass and hands its payload to a {@link PayloadReader} as soon as the type and
 * version are known, so that the collector can check a payload and the writer convert one without building a JSON
 * tree. A payload that comes before its type or version is read as a tree and handed over at the end. Errors, and
 * their order, are those of {@link Envelope#parse}; the reader's own errors come after every envelope error.
 */
public final class EnvelopeParser {
    private EnvelopeParser() {
    }

    /** Reads the payload object at the parser's current token and leaves the parser on its last token. */
    @FunctionalInterface
    public interface PayloadReader<P> {
        P read(JsonParser p, String type, int version) throws IOException;
    }

    /** An envelope's fields and what the reader made of its payload. */
    public record Parsed<P>(String id, String type, int version, Instant eventTime, Instant loggedAt,
                            Instant receivedAt, String host, boolean late, P payload) {
        public Instant hour() {
            return Hours.hourOf(loggedAt);
        }
    }

    /** Parses one envelope, with reasons a sender can act on. */
    public static <P> Parsed<P> parse(byte[] line, PayloadReader<P> reader) {
        return parse(line, 0, line.length, reader);
    }

    /** Parses the envelope in {@code length} bytes of {@code bytes} from {@code offset}, such as a line of a body. */
    public static <P> Parsed<P> parse(byte[] bytes, int offset, int length, PayloadReader<P> reader) {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(bytes, offset, length)) {
            return parse(p, reader);
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    /**
     * Parses the envelope at the parser's next token and leaves the parser on the envelope's last token, so that a
     * parser over many events can go on to the next ({@link BodyParser}).
     */
    static <P> Parsed<P> parse(JsonParser p, PayloadReader<P> reader) {
        Fields f = new Fields();
        P payload = null;
        InvalidEventException payloadError = null;
        JsonNode payloadTree = null;
        try {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidEventException("malformed_json", "an event must be a JSON object");
            }
            JsonStreamContext envelope = p.getParsingContext();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (!name.equals("payload")) {
                    f.read(name, t, p);
                    continue;
                }
                f.payloadIsObject = t == JsonToken.START_OBJECT;
                payload = null;
                payloadError = null;
                payloadTree = null;
                if (!f.payloadIsObject) {
                    p.skipChildren();
                } else if (f.type != null && f.version > 0) {
                    try {
                        payload = reader.read(p, f.type, f.version);
                    } catch (InvalidEventException e) {
                        payloadError = e;  // reported after the envelope's own errors
                        while (p.getParsingContext() != envelope) {
                            p.nextToken();
                        }
                    }
                } else {
                    payloadTree = Json.MAPPER.readTree(p);
                }
            }
            f.check();
            if (payloadError != null) {
                throw payloadError;
            }
            if (payloadTree != null) {
                try (JsonParser later = payloadTree.traverse(Json.MAPPER)) {
                    later.nextToken();
                    payload = reader.read(later, f.type, f.version);
                }
            }
        } catch (InvalidEventException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw malformed(e);
        }
        return new Parsed<>(f.id, f.type, f.version, f.eventTime, f.loggedAt, f.receivedAt, f.host, f.late, payload);
    }

    /** The envelope's own fields as read, with what was wrong with them until {@link #check()} reports it. */
    private static final class Fields {
        String id;
        String type;
        String host;
        int version;
        boolean late;
        boolean payloadIsObject;
        Instant eventTime;
        Instant loggedAt;
        Instant receivedAt;
        String idError;
        String typeError;
        String hostError;
        boolean eventTimeBad;
        boolean loggedAtBad;
        boolean receivedAtBad;

        void read(String name, JsonToken t, JsonParser p) throws IOException {
            switch (name) {
                case "id" -> {
                    id = text(t, p);
                    idError = textError(t);
                }
                case "type" -> {
                    type = text(t, p);
                    typeError = textError(t);
                }
                case "host" -> {
                    host = text(t, p);
                    hostError = textError(t);
                }
                case "version" -> {
                    version = t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT
                            ? Math.max(0, p.getIntValue()) : 0;
                }
                case "logged_at" -> {
                    loggedAt = instant(t, p);
                    loggedAtBad = loggedAt == null && t != JsonToken.VALUE_NULL;
                }
                case "event_time" -> {
                    eventTime = instant(t, p);
                    eventTimeBad = eventTime == null && t != JsonToken.VALUE_NULL;
                }
                case "received_at" -> {
                    receivedAt = instant(t, p);
                    receivedAtBad = receivedAt == null && t != JsonToken.VALUE_NULL;
                }
                case "late" -> late = switch (t) {
                    case VALUE_TRUE -> true;
                    case VALUE_NUMBER_INT -> p.getLongValue() != 0;
                    case VALUE_STRING -> p.getText().trim().equals("true");
                    default -> false;
                };
                default -> {
                }
            }
            p.skipChildren();
        }

        /** Throws the first problem in the order {@link Envelope#parse} checks. */
        void check() {
            requireText("id", id, idError);
            try {
                UUID.fromString(id);
            } catch (IllegalArgumentException e) {
                throw new InvalidEventException("invalid_field", "field 'id' must be a UUID, got '" + id + "'");
            }
            requireText("type", type, typeError);
            if (version < 1) {
                throw new InvalidEventException("invalid_field", "field 'version' must be a positive integer");
            }
            if (!payloadIsObject) {
                throw new InvalidEventException("invalid_field", "field 'payload' must be a JSON object");
            }
            if (loggedAt == null) {
                throw loggedAtBad ? badInstant("logged_at")
                        : new InvalidEventException("missing_field", "field 'logged_at' is required");
            }
            if (eventTimeBad) {
                throw badInstant("event_time");
            }
            if (receivedAtBad) {
                throw badInstant("received_at");
            }
            if (hostError != null) {
                throw new InvalidEventException("invalid_field", hostError.formatted("host"));
            }
        }

        private static void requireText(String field, String value, String error) {
            if (error != null) {
                throw new InvalidEventException("invalid_field", error.formatted(field));
            }
            if (value == null) {
                throw new InvalidEventException("missing_field", "field '" + field + "' is required");
            }
        }

        private static String text(JsonToken t, JsonParser p) throws IOException {
            return t == JsonToken.VALUE_STRING ? p.getText() : null;
        }

        private static String textError(JsonToken t) {
            return t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NULL ? null : "field '%s' must be a string";
        }

        /** Epoch millis or ISO-8601 text; null when absent or not an instant. */
        private static Instant instant(JsonToken t, JsonParser p) throws IOException {
            if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                return Instant.ofEpochMilli(p.getLongValue());
            }
            if (t == JsonToken.VALUE_STRING) {
                try {
                    return Instants.parse(p.getText());
                } catch (DateTimeParseException e) {
                    return null;
                }
            }
            return null;
        }

        private static InvalidEventException badInstant(String field) {
            return new InvalidEventException("invalid_field", "field '" + field
                    + "' must be an ISO-8601 UTC instant like 2026-01-31T13:45:00.123Z, or epoch millis");
        }
    }

    private static InvalidEventException malformed(Exception e) {
        return new InvalidEventException("malformed_json", "not valid JSON: " + firstLine(e.getMessage()));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
