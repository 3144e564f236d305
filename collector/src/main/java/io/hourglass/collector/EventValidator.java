package io.hourglass.collector;

import com.fasterxml.jackson.databind.JsonNode;
import io.hourglass.core.BodyParser;
import io.hourglass.core.EnvelopeParser;
import io.hourglass.core.EventTypes;
import io.hourglass.core.InvalidEventException;
import io.hourglass.core.Json;
import io.hourglass.core.PlainEventReader;
import io.hourglass.core.avro.AvroBuffer;
import io.hourglass.core.avro.AvroBytes;
import io.hourglass.core.avro.PayloadEncoder;
import io.hourglass.core.avro.PlainPayloadEncoder;
import io.hourglass.core.registry.EventType;
import io.hourglass.core.registry.PayloadConverter;
import io.hourglass.core.registry.Registry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.avro.Schema;

/**
 * Checks one raw event line against the registry (size, envelope, known type and version, payload schema) and
 * encodes its payload in Avro for Kafka. An event in the plain form that clients write is read straight from its
 * bytes ({@link PlainEventReader}); any other goes through Jackson in one streaming pass that builds neither a JSON
 * tree nor a record; what that pass cannot stream (maps, ambiguous unions) or finds wrong is parsed again as a tree,
 * for the bytes or the error.
 */
final class EventValidator {
    private final Supplier<Registry> registry;
    private final int maxEventBytes;
    /** Encoders of the registry they were made from; a new registry starts a new set. */
    private volatile Encoders encoders;

    private record Encoders(Registry registry, Map<Schema, PayloadEncoder> bySchema,
                            Map<String, PlainEncoders> plainByType) {
    }

    /** A type's plain encoders by version: one lookup by name an event, then a scan of the type's few versions. */
    private record PlainEncoders(int[] versions, PlainPayloadEncoder[] encoders) {
        PlainPayloadEncoder of(int version) {
            for (int i = 0; i < versions.length; i++) {
                if (versions[i] == version) {
                    return encoders[i];
                }
            }
            return null;
        }
    }

    EventValidator(Supplier<Registry> registry, int maxEventBytes) {
        this.registry = registry;
        this.maxEventBytes = maxEventBytes;
    }

    /**
     * Returns the envelope's fields with the payload in Avro's binary encoding of its version's schema, or throws
     * {@link InvalidEventException} with the reason. The event is the line {@code [from, to)} of the body that
     * {@code lines} parses. The payload is written into {@code scratch}, the caller's, reused from event to event: it
     * is valid until the next call.
     */
    EnvelopeParser.Parsed<AvroBuffer> validate(BodyParser lines, int from, int to, AvroBuffer scratch) {
        if (to - from > maxEventBytes) {
            throw new InvalidEventException("oversize",
                    "event is " + (to - from) + " bytes; the limit is " + maxEventBytes);
        }
        EnvelopeParser.Parsed<AvroBuffer> plain = PlainEventReader.read(lines.body(), from, to, (in, type, version) -> {
            PlainPayloadEncoder encoder = plainEncoder(type, version);
            if (encoder == null) {
                return null;
            }
            scratch.reset();
            encoder.encode(in, scratch);
            return scratch;
        });
        if (plain != null) {
            return withinLimit(plain);
        }
        EnvelopeParser.Parsed<AvroBuffer> streamed = lines.parse(from, to, (p, type, version) -> {
            scratch.reset();
            return encoder(schema(type, version)).encode(p, scratch) ? scratch : null;
        });
        if (streamed.payload() != null) {
            return withinLimit(streamed);
        }
        return withinLimit(EnvelopeParser.parse(lines.body(), from, to - from, (p, type, version) -> {
            Schema schema = schema(type, version);
            JsonNode payload = Json.MAPPER.readTree(p);
            PayloadConverter.validate(payload, schema);
            scratch.reset();
            scratch.write(AvroBytes.of(schema, PayloadConverter.toRecord(payload, schema)));
            return scratch;
        }));
    }

    /**
     * Avro can be larger than the JSON it came from (a double takes 8 bytes, {@code 0} one), and an event's record
     * must fit in a produce request: one that did not would fail its whole batch, and its sender would resend it for
     * ever.
     */
    private EnvelopeParser.Parsed<AvroBuffer> withinLimit(EnvelopeParser.Parsed<AvroBuffer> event) {
        if (event.payload().size() > maxEventBytes) {
            throw new InvalidEventException("oversize", "event's payload is " + event.payload().size()
                    + " bytes in Avro, its schema's encoding; the limit is " + maxEventBytes);
        }
        return event;
    }

    private PayloadEncoder encoder(Schema schema) {
        return encoders().bySchema().computeIfAbsent(schema, s -> new PayloadEncoder(s, true));
    }

    /** The plain encoder of a registered type's version; null for one the registry lacks (the general way says so). */
    private PlainPayloadEncoder plainEncoder(String typeName, int version) {
        Encoders e = encoders();
        PlainEncoders byVersion = e.plainByType().get(typeName);
        if (byVersion == null) {
            EventType type = e.registry().find(typeName).orElse(null);
            if (type == null) {
                return null;  // not kept: a sender could make up names without end
            }
            byVersion = e.plainByType().computeIfAbsent(type.name(), name -> plainEncoders(type));
        }
        return byVersion.of(version);
    }

    private PlainEncoders plainEncoders(EventType type) {
        int[] versions = new int[type.schemas().size()];
        PlainPayloadEncoder[] byVersion = new PlainPayloadEncoder[versions.length];
        int i = 0;
        for (Map.Entry<Integer, Schema> v : type.schemas().entrySet()) {
            versions[i] = v.getKey();
            byVersion[i++] = new PlainPayloadEncoder(encoder(v.getValue()));
        }
        return new PlainEncoders(versions, byVersion);
    }

    private Encoders encoders() {
        Registry current = registry.get();
        Encoders e = encoders;
        if (e == null || e.registry() != current) {
            e = new Encoders(current, new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
            encoders = e;
        }
        return e;
    }

    /** Registered names are valid names, so the name's pattern is matched only for the error of an unknown one. */
    private Schema schema(String typeName, int version) {
        EventType type = registry.get().find(typeName).orElseThrow(() -> new InvalidEventException("unknown_type",
                EventTypes.isValidName(typeName) ? "type '" + typeName + "' is not registered"
                        : "type '" + typeName + "' is not a valid type name"));
        return type.schema(version).orElseThrow(() -> new InvalidEventException("unknown_version",
                "type " + typeName + " has no schema version " + version + "; known: " + type.schemas().keySet()));
    }
}
