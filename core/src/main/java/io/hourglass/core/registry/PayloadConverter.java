package io.hourglass.core.registry;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.hourglass.core.InvalidEventException;
import io.hourglass.core.Json;
import java.io.IOException;
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
 *
 * <p>It reads either a JSON tree or, on the hot paths, straight from a streaming parser, which builds no tree; both
 * follow the same rules. A union whose branches could both take the same object or array falls back to a tree
 * for that value, as the streaming form cannot try one branch and then another.
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

    /**
     * {@link #toRecord(JsonNode, Schema)} for the value at the parser's current token, which must start an object.
     * Leaves the parser on the value's last token.
     */
    public static GenericData.Record read(JsonParser p, Schema schema) throws IOException {
        return (GenericData.Record) stream(p, schema, Where.ROOT, false, true);
    }

    /** {@link #validate(JsonNode, Schema)} for the value at the parser's current token. */
    public static void check(JsonParser p, Schema schema) throws IOException {
        stream(p, schema, Where.ROOT, true, false);
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

    private static Object stream(JsonParser p, Schema s, Where path, boolean strict, boolean build)
            throws IOException {
        JsonToken t = p.currentToken();
        return switch (s.getType()) {
            case RECORD -> {
                if (t != JsonToken.START_OBJECT) {
                    throw mismatch(path, "an object", p);
                }
                GenericData.Record r = build ? new GenericData.Record(s) : null;
                boolean[] seen = new boolean[s.getFields().size()];
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    Schema.Field f = s.getField(name);
                    if (f == null) {
                        if (strict) {
                            throw new InvalidEventException("schema_mismatch", path.field(name)
                                    + ": field is not in schema " + s.getFullName());
                        }
                        p.skipChildren();
                        continue;
                    }
                    Object value = stream(p, f.schema(), path.field(name), strict, build);
                    seen[f.pos()] = true;
                    if (build) {
                        r.put(f.pos(), value);
                    }
                }
                for (Schema.Field f : s.getFields()) {
                    if (!seen[f.pos()]) {
                        if (!f.hasDefaultValue()) {
                            throw new InvalidEventException("schema_mismatch",
                                    path.field(f.name()) + ": required field is missing");
                        }
                        if (build) {
                            Object defaultValue = GenericData.get().getDefaultValue(f);
                            r.put(f.pos(), GenericData.get().deepCopy(f.schema(), defaultValue));
                        }
                    }
                }
                yield r;
            }
            case UNION -> streamUnion(p, s, path, strict, build);
            case ARRAY -> {
                if (t != JsonToken.START_ARRAY) {
                    throw mismatch(path, "an array", p);
                }
                List<Object> list = build ? new ArrayList<>() : null;
                for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
                    Object value = stream(p, s.getElementType(), path.index(i), strict, build);
                    if (build) {
                        list.add(value);
                    }
                }
                yield build ? new GenericData.Array<>(s, list) : null;
            }
            case MAP -> {
                if (t != JsonToken.START_OBJECT) {
                    throw mismatch(path, "an object", p);
                }
                Map<String, Object> map = build ? new HashMap<>() : null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    Object value = stream(p, s.getValueType(), path.field(key), strict, build);
                    if (build) {
                        map.put(key, value);
                    }
                }
                yield map;
            }
            default -> scalar(p, s, path, build);
        };
    }

    /** A scalar is one token, so a union can try its branches on it in turn, as the tree form does. */
    private static Object streamUnion(JsonParser p, Schema s, Where path, boolean strict, boolean build)
            throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL && s.getTypes().stream().anyMatch(b -> b.getType() == Schema.Type.NULL)) {
            return null;
        }
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            List<Schema> takers = s.getTypes().stream().filter(b -> takesContainer(b, t)).toList();
            if (takers.size() == 1) {
                return stream(p, takers.get(0), path, strict, build);
            }
            return convert(Json.MAPPER.readTree(p), s, path, strict, build);
        }
        InvalidEventException last = null;
        for (Schema branch : s.getTypes()) {
            if (branch.getType() == Schema.Type.NULL) {
                continue;
            }
            try {
                return stream(p, branch, path, strict, build);
            } catch (InvalidEventException e) {
                last = e;
            }
        }
        throw last != null ? last : mismatch(path, "null", p);
    }

    private static boolean takesContainer(Schema branch, JsonToken t) {
        return switch (branch.getType()) {
            case RECORD, MAP -> t == JsonToken.START_OBJECT;
            case ARRAY -> t == JsonToken.START_ARRAY;
            case UNION -> true;  // not valid Avro, but let the tree form report it
            default -> false;
        };
    }

    private static Object scalar(JsonParser p, Schema s, Where path, boolean build) throws IOException {
        JsonToken t = p.currentToken();
        switch (s.getType()) {
            case NULL -> {
                if (t != JsonToken.VALUE_NULL) {
                    throw mismatch(path, "null", p);
                }
                return null;
            }
            case BOOLEAN -> {
                if (!t.isBoolean()) {
                    throw mismatch(path, "a boolean", p);
                }
                return t == JsonToken.VALUE_TRUE;
            }
            case INT -> {
                if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
                    throw mismatch(path, "a 32-bit integer", p);
                }
                return p.getIntValue();
            }
            case LONG -> {
                if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    throw mismatch(path, "a 64-bit integer", p);
                }
                return p.getLongValue();
            }
            case FLOAT, DOUBLE -> {
                if (!t.isNumeric()) {
                    throw mismatch(path, "a number", p);
                }
                return s.getType() == Schema.Type.FLOAT ? (Object) (float) p.getDoubleValue() : p.getDoubleValue();
            }
            case STRING -> {
                if (t != JsonToken.VALUE_STRING) {
                    throw mismatch(path, "a string", p);
                }
                return build ? p.getText() : null;  // a check needs only the token
            }
            case BYTES -> {
                if (t != JsonToken.VALUE_STRING) {
                    throw mismatch(path, "a string", p);
                }
                return build ? ByteBuffer.wrap(p.getText().getBytes(StandardCharsets.UTF_8)) : null;
            }
            case ENUM -> {
                if (t != JsonToken.VALUE_STRING || !s.hasEnumSymbol(p.getText())) {
                    throw mismatch(path, "one of " + s.getEnumSymbols(), p);
                }
                return build ? new GenericData.EnumSymbol(s, p.getText()) : null;
            }
            default -> throw new InvalidEventException("schema_mismatch",
                    path + ": Avro type " + s.getType() + " is not supported in payloads");
        }
    }

    /**
     * Shows the offending value as the tree form would. A scalar is rebuilt from its token, leaving the parser where
     * it is for the next union branch; an object or array is read whole, as the parse ends here anyway.
     */
    private static InvalidEventException mismatch(Where path, String expected, JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        JsonNode got = t.isStructStart() ? Json.MAPPER.readTree(p)
                : t == JsonToken.VALUE_STRING ? Json.MAPPER.getNodeFactory().textNode(p.getText())
                : Json.MAPPER.readTree(p.getText());
        return mismatch(path, expected, got);
    }

    private static InvalidEventException mismatch(Where path, String expected, JsonNode got) {
        String shown = Json.toString(got);
        if (shown.length() > 60) {
            shown = shown.substring(0, 57) + "...";
        }
        return new InvalidEventException("schema_mismatch", path + ": expected " + expected + ", got " + shown);
    }
}
