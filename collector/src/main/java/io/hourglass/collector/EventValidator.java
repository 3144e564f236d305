package io.hourglass.collector;

import io.hourglass.core.EnvelopeParser;
import io.hourglass.core.EventTypes;
import io.hourglass.core.InvalidEventException;
import io.hourglass.core.registry.EventType;
import io.hourglass.core.registry.PayloadConverter;
import io.hourglass.core.registry.Registry;
import java.util.function.Supplier;
import org.apache.avro.Schema;

/**
 * Checks one raw event line against the registry: size, envelope, known type and version, payload schema. The
 * payload is checked as it is parsed, without building a tree of it.
 */
final class EventValidator {
    private final Supplier<Registry> registry;
    private final int maxEventBytes;

    EventValidator(Supplier<Registry> registry, int maxEventBytes) {
        this.registry = registry;
        this.maxEventBytes = maxEventBytes;
    }

    /** Returns the envelope's fields, or throws {@link InvalidEventException} with the reason. */
    EnvelopeParser.Parsed<Void> validate(byte[] line) {
        if (line.length > maxEventBytes) {
            throw new InvalidEventException("oversize",
                    "event is " + line.length + " bytes; the limit is " + maxEventBytes);
        }
        return EnvelopeParser.parse(line, (p, type, version) -> {
            PayloadConverter.check(p, schema(type, version));
            return null;
        });
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
