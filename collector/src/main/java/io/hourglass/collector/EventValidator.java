package io.hourglass.collector;

import io.hourglass.core.Envelope;
import io.hourglass.core.EventTypes;
import io.hourglass.core.InvalidEventException;
import io.hourglass.core.registry.EventType;
import io.hourglass.core.registry.PayloadConverter;
import io.hourglass.core.registry.Registry;
import java.util.function.Supplier;
import org.apache.avro.Schema;

/** Checks one raw event line against the registry: size, envelope, known type and version, payload schema. */
final class EventValidator {
    private final Supplier<Registry> registry;
    private final int maxEventBytes;

    EventValidator(Supplier<Registry> registry, int maxEventBytes) {
        this.registry = registry;
        this.maxEventBytes = maxEventBytes;
    }

    /** Returns the parsed envelope, or throws {@link InvalidEventException} with the reason. */
    Envelope validate(byte[] line) {
        if (line.length > maxEventBytes) {
            throw new InvalidEventException("oversize",
                    "event is " + line.length + " bytes; the limit is " + maxEventBytes);
        }
        Envelope e = Envelope.parse(line);
        if (!EventTypes.isValidName(e.type())) {
            throw new InvalidEventException("unknown_type", "type '" + e.type() + "' is not a valid type name");
        }
        EventType type = registry.get().find(e.type()).orElseThrow(() -> new InvalidEventException("unknown_type",
                "type '" + e.type() + "' is not registered"));
        Schema schema = type.schema(e.version()).orElseThrow(() -> new InvalidEventException("unknown_version",
                "type " + e.type() + " has no schema version " + e.version() + "; known: " + type.schemas().keySet()));
        PayloadConverter.validate(e.payload(), schema);
        return e;
    }
}
