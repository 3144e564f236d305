package io.hourglass.core.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.hourglass.core.InvalidEventException;
import io.hourglass.core.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

/**
 * Turns a natural JSON payload into an Avro datum of a record schema. Unlike Avro's own JSON encoding, unions are
 * not wrapped, so any language can write the payload. Errors name the path of the offending field.
 */
public final class PayloadConverter {
    private PayloadConverter() {
    }

    /**
     * Converts a payload that was valid for its own version into {@code schema}, which may be a newer version:
     * fields the schema lacks are dropped, and fields it added take their defaults (Avro schema resolution rules).
     */
    public static GenericData.Record toRecord(JsonNode payload, Schema schema) {
        return (GenericData.Record) convert(payload, schema, Where.ROOT, false, true);
    }

    /** Throws {@link InvalidEventException} when the payload does not match the schema exactly. */
    public static void validate(JsonNode payload, Schema schema) {
        convert(payload, schema, Where.ROOT, true, false);
    }

    /** Where in the payload a value sits; turned into text only for an error message. */
    private record Where(Where parent, String field, int index) {
        static final Where ROOT = new Where(null, "payload", -1);

        Where field(String name) {
            return new Where(this, name, -1);
        }

        Where index(int i) {
            return new Where(this, null, i);
        }

        @Override
        public String toString() {
            if (parent == null) {
                return field;
            }
            return parent + (field != null ? "." + field : "[" + index + "]");
        }
    }

    /** With {@code build} false it only checks, allocating nothing for a valid payload's values. */
    private static Object convert(JsonNode n, Schema s, Where path, boolean strict, boolean build) {
        switch (s.getType()) {
            case RECORD -> {
                if (!n.isObject()) {
                    throw mismatch(path, "an object", n);
                }
                GenericData.Record r = build ? new GenericData.Record(s) : null;
                for (Schema.Field f : s.getFields()) {
                    JsonNode v = n.get(f.name());
                    if (v == null) {
                        if (!f.hasDefaultValue()) {
                            throw new InvalidEventException("schema_mismatch",
                                    path.field(f.name()) + ": required field is missing");
                        }
                        if (build) {
                            r.put(f.pos(), GenericData.get().deepCopy(f.schema(),
                                    GenericData.get().getDefaultValue(f)));
                        }
                    } else {
                        Object value = convert(v, f.schema(), path.field(f.name()), strict, build);
                        if (build) {
                            r.put(f.pos(), value);
                        }
                    }
                }
                Iterator<String> names = n.fieldNames();
                while (strict && names.hasNext()) {
                    String name = names.next();
                    if (s.getField(name) == null) {
                        throw new InvalidEventException("schema_mismatch", path.field(name)
                                + ": field is not in schema " + s.getFullName());
                    }
                }
                return r;
            }
            case UNION -> {
                for (Schema branch : s.getTypes()) {
                    if (branch.getType() == Schema.Type.NULL && n.isNull()) {
                        return null;
                    }
                }
                InvalidEventException last = null;
                for (Schema branch : s.getTypes()) {
                    if (branch.getType() == Schema.Type.NULL) {
                        continue;
                    }
                    try {
                        return convert(n, branch, path, strict, build);
                    } catch (InvalidEventException e) {
                        last = e;
                    }
                }
                throw last != null ? last : mismatch(path, "null", n);
            }
            case NULL -> {
                if (!n.isNull()) {
                    throw mismatch(path, "null", n);
                }
                return null;
            }
            case BOOLEAN -> {
                if (!n.isBoolean()) {
                    throw mismatch(path, "a boolean", n);
                }
                return n.booleanValue();
            }
            case INT -> {
                if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                    throw mismatch(path, "a 32-bit integer", n);
                }
                return n.intValue();
            }
            case LONG -> {
                if (!n.isIntegralNumber() || !n.canConvertToLong()) {
                    throw mismatch(path, "a 64-bit integer", n);
                }
                return n.longValue();
            }
            case FLOAT -> {
                if (!n.isNumber()) {
                    throw mismatch(path, "a number", n);
                }
                return n.floatValue();
            }
            case DOUBLE -> {
                if (!n.isNumber()) {
                    throw mismatch(path, "a number", n);
                }
                return n.doubleValue();
            }
            case STRING -> {
                if (!n.isTextual()) {
                    throw mismatch(path, "a string", n);
                }
                return n.textValue();
            }
            case BYTES -> {
                if (!n.isTextual()) {
                    throw mismatch(path, "a string", n);
                }
                return build ? ByteBuffer.wrap(n.textValue().getBytes(StandardCharsets.UTF_8)) : null;
            }
            case ENUM -> {
                if (!n.isTextual() || !s.hasEnumSymbol(n.textValue())) {
                    throw mismatch(path, "one of " + s.getEnumSymbols(), n);
                }
                return build ? new GenericData.EnumSymbol(s, n.textValue()) : null;
            }
            case ARRAY -> {
                if (!n.isArray()) {
                    throw mismatch(path, "an array", n);
                }
                List<Object> list = build ? new ArrayList<>(n.size()) : null;
                for (int i = 0; i < n.size(); i++) {
                    Object value = convert(n.get(i), s.getElementType(), path.index(i), strict, build);
                    if (build) {
                        list.add(value);
                    }
                }
                return build ? new GenericData.Array<>(s, list) : null;
            }
            case MAP -> {
                if (!n.isObject()) {
                    throw mismatch(path, "an object", n);
                }
                Map<String, Object> map = build ? new HashMap<>() : null;
                n.fields().forEachRemaining(e -> {
                    Object value = convert(e.getValue(), s.getValueType(), path.field(e.getKey()), strict, build);
                    if (build) {
                        map.put(e.getKey(), value);
                    }
                });
                return map;
            }
            default -> throw new InvalidEventException("schema_mismatch",
                    path + ": Avro type " + s.getType() + " is not supported in payloads");
        }
    }

    private static InvalidEventException mismatch(Where path, String expected, JsonNode got) {
        String shown = Json.toString(got);
        if (shown.length() > 60) {
            shown = shown.substring(0, 57) + "...";
        }
        return new InvalidEventException("schema_mismatch", path + ": expected " + expected + ", got " + shown);
    }
}
