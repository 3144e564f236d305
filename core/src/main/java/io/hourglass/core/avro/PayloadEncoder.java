package io.hourglass.core.avro;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

/**
 * Writes a natural JSON payload straight into Avro's binary encoding of a record schema, with the bytes that
 * {@code PayloadConverter} and then Avro's {@code GenericDatumWriter} would give, but without building the record.
 * It gives up on what it cannot stream exactly (a map, an object or array that two union branches could take, a
 * value that does not fit the schema, and when strict a field the schema does not have), and the caller then takes
 * that general way, which also has the errors. Immutable, so threads may share one.
 */
public final class PayloadEncoder {
    /** Control flow, not an error: no stack trace, so giving up costs no more than a return. */
    private static final class CannotStream extends Exception {
        CannotStream() {
            super("cannot stream this payload", null, false, false);
        }
    }

    private static final CannotStream CANNOT = new CannotStream();

    private final Schema schema;
    private final boolean strict;
    private final Map<Schema.Field, byte[]> defaults = new IdentityHashMap<>();

    /**
     * For payloads of the record schema {@code schema}. A strict encoder gives up on fields the schema lacks (the
     * collector's check); a lenient one drops them (a writer reading an older version into a newer one).
     */
    public PayloadEncoder(Schema schema, boolean strict) {
        this.schema = schema;
        this.strict = strict;
        collectDefaults(schema, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    /**
     * Appends the encoding of the object at the parser's current token to {@code out} and leaves the parser on the
     * object's last token. Returns false when it gave up; the parser is then on that last token too, and what was
     * appended is junk.
     */
    public boolean encode(JsonParser p, AvroBuffer out) throws IOException {
        JsonStreamContext outside = p.getParsingContext().getParent();
        try {
            value(p, schema, out);
            return true;
        } catch (CannotStream e) {
            while (p.getParsingContext() != outside) {
                p.nextToken();
            }
            return false;
        }
    }

    private void value(JsonParser p, Schema s, AvroBuffer out) throws IOException, CannotStream {
        switch (s.getType()) {
            case RECORD -> record(p, s, out);
            case UNION -> union(p, s, out);
            case ARRAY -> {
                if (p.currentToken() != JsonToken.START_ARRAY) {
                    throw CANNOT;
                }
                int start = out.size();
                long count = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    value(p, s.getElementType(), out);
                    count++;
                }
                out.closeBlock(start, count);
            }
            default -> scalar(p, s, out);
        }
    }

    /** Fields are written as they come; missing ones get their defaults, and then all are put in schema order. */
    private void record(JsonParser p, Schema s, AvroBuffer out) throws IOException, CannotStream {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw CANNOT;
        }
        List<Schema.Field> fields = s.getFields();
        int[] from = new int[fields.size()];
        int[] to = new int[fields.size()];
        Arrays.fill(from, -1);
        int start = out.size();
        int next = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            // Clients mostly write fields in schema order: try the next one before a lookup by name.
            Schema.Field f = next < fields.size() && fields.get(next).name().equals(name) ? fields.get(next)
                    : s.getField(name);
            p.nextToken();
            if (f == null) {
                if (strict) {
                    throw CANNOT;
                }
                p.skipChildren();
                continue;
            }
            from[f.pos()] = out.size();
            value(p, f.schema(), out);
            to[f.pos()] = out.size();
            next = f.pos() + 1;
        }
        if (!finishRecord(fields, start, from, to, out)) {
            throw CANNOT;  // a required field is missing: the general way says so
        }
    }

    /**
     * Ends a record whose fields {@code i} were written at {@code [from[i], to[i])} since {@code start}, or not at all
     * ({@code from[i] < 0}): writes the defaults of those missing, then puts all in schema order. False when a missing
     * field has no default here.
     */
    boolean finishRecord(List<Schema.Field> fields, int start, int[] from, int[] to, AvroBuffer out) {
        boolean inOrder = true;
        int expected = start;
        for (Schema.Field f : fields) {
            int i = f.pos();
            if (from[i] < 0) {
                byte[] fallback = defaults.get(f);
                if (fallback == null) {
                    return false;
                }
                from[i] = out.size();
                out.write(fallback);
                to[i] = out.size();
            }
            inOrder &= from[i] == expected;
            expected = to[i];
        }
        if (!inOrder || expected != out.size()) {
            out.reorder(start, from, to, fields.size());
        }
        return true;
    }

    /** Picks the branch the general way would: null, the one container branch, or the first scalar that fits. */
    private void union(JsonParser p, Schema s, AvroBuffer out) throws IOException, CannotStream {
        JsonToken t = p.currentToken();
        List<Schema> branches = s.getTypes();
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            int taker = -1;
            for (int i = 0; i < branches.size(); i++) {
                if (takesContainer(branches.get(i), t == JsonToken.START_OBJECT)) {
                    if (taker >= 0) {
                        throw CANNOT;
                    }
                    taker = i;
                }
            }
            if (taker < 0) {
                throw CANNOT;
            }
            out.writeInt(taker);
            value(p, branches.get(taker), out);
            return;
        }
        for (int i = 0; i < branches.size(); i++) {
            Schema b = branches.get(i);
            if (fits(p, b)) {
                out.writeInt(i);
                writeScalar(p, b, out);
                return;
            }
        }
        throw CANNOT;
    }

    /** Whether a union's branch takes an object (or else an array) as the general way picks branches. */
    static boolean takesContainer(Schema branch, boolean object) {
        return switch (branch.getType()) {
            case RECORD, MAP -> object;
            case ARRAY -> !object;
            case UNION -> true;
            default -> false;
        };
    }

    /** The scalar rules of {@code PayloadConverter}. */
    private static boolean fits(JsonParser p, Schema s) throws IOException {
        JsonToken t = p.currentToken();
        return switch (s.getType()) {
            case NULL -> t == JsonToken.VALUE_NULL;
            case BOOLEAN -> t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE;
            case INT -> t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT;
            case LONG -> t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER;
            case FLOAT, DOUBLE -> t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT;
            case STRING, BYTES -> t == JsonToken.VALUE_STRING;
            case ENUM -> t == JsonToken.VALUE_STRING && s.hasEnumSymbol(p.getText());
            default -> false;
        };
    }

    private static void scalar(JsonParser p, Schema s, AvroBuffer out) throws IOException, CannotStream {
        if (!fits(p, s)) {
            throw CANNOT;
        }
        writeScalar(p, s, out);
    }

    /** Writes a scalar that {@link #fits}. */
    private static void writeScalar(JsonParser p, Schema s, AvroBuffer out) throws IOException, CannotStream {
        switch (s.getType()) {
            case NULL -> {
            }
            case BOOLEAN -> out.writeBoolean(p.currentToken() == JsonToken.VALUE_TRUE);
            case INT -> out.writeInt(p.getIntValue());
            case LONG -> out.writeLong(p.getLongValue());
            case FLOAT -> out.writeFloat((float) p.getDoubleValue());
            case DOUBLE -> out.writeDouble(p.getDoubleValue());
            case STRING, BYTES -> out.writeString(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            case ENUM -> out.writeInt(s.getEnumOrdinal(p.getText()));
            default -> throw CANNOT;
        }
    }

    Schema schema() {
        return schema;
    }

    /** The binary form of every field default in the schema, as the general way would write it. */
    private void collectDefaults(Schema s, Set<Schema> seen) {
        switch (s.getType()) {
            case RECORD -> {
                if (!seen.add(s)) {
                    return;
                }
                for (Schema.Field f : s.getFields()) {
                    if (f.hasDefaultValue()) {
                        encodeDefault(f);
                    }
                    collectDefaults(f.schema(), seen);
                }
            }
            case UNION -> s.getTypes().forEach(b -> collectDefaults(b, seen));
            case ARRAY -> collectDefaults(s.getElementType(), seen);
            case MAP -> collectDefaults(s.getValueType(), seen);
            default -> {
            }
        }
    }

    private void encodeDefault(Schema.Field f) {
        try {
            defaults.put(f, AvroBytes.of(f.schema(), GenericData.get().getDefaultValue(f)));
        } catch (IOException | AvroRuntimeException | ClassCastException e) {
            // left out: an event that needs this default takes the general way
        }
    }
}
