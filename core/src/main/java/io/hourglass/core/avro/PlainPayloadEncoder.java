package io.hourglass.core.avro;

import io.hourglass.core.PlainJson;
import io.hourglass.core.PlainJson.Kind;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * Writes a payload in {@link PlainJson}'s plain form straight from its bytes into Avro's binary encoding, with the
 * bytes and the rules of a strict {@link PayloadEncoder}, without a JSON parser. It gives up where that encoder would,
 * and also on a field given twice, on nesting deeper than {@link #MAX_DEPTH}, and on anything not plain. Immutable,
 * so threads may share one.
 */
public final class PlainPayloadEncoder {
    /** Far under Jackson's limit on nesting, so a payload it refuses is never read here. */
    private static final int MAX_DEPTH = 64;

    private final PayloadEncoder rules;
    /** Each record schema's field names, in field order, as bytes. */
    private final Map<Schema, byte[][]> names = new IdentityHashMap<>();

    /** For payloads that {@code strict} encodes; its schema and its field defaults are used. */
    public PlainPayloadEncoder(PayloadEncoder strict) {
        this.rules = strict;
        collectNames(strict.schema(), Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    /** Appends the encoding of the object at the cursor to {@code out}; what was appended is junk if it gives up. */
    public void encode(PlainJson in, AvroBuffer out) throws PlainJson.GiveUp {
        record(in, rules.schema(), out, 0);
    }

    private void value(PlainJson in, Schema s, AvroBuffer out, int depth) throws PlainJson.GiveUp {
        if (depth > MAX_DEPTH) {
            throw PlainJson.GIVE_UP;
        }
        switch (s.getType()) {
            case RECORD -> record(in, s, out, depth);
            case UNION -> union(in, s, out, depth);
            case ARRAY -> array(in, s, out, depth);
            default -> {
                Kind k = in.scalar();
                if (!fits(in, k, s)) {
                    throw PlainJson.GIVE_UP;
                }
                write(in, k, s, out);
            }
        }
    }

    private void record(PlainJson in, Schema s, AvroBuffer out, int depth) throws PlainJson.GiveUp {
        in.expect('{');
        List<Schema.Field> fields = s.getFields();
        byte[][] fieldNames = names.get(s);
        int[] from = new int[fields.size()];
        int[] to = new int[fields.size()];
        Arrays.fill(from, -1);
        int start = out.size();
        if (!in.skip('}')) {
            int next = 0;
            do {
                // Clients mostly write fields in schema order: the ones after the last are tried first.
                int i = in.field(fieldNames, next);
                if (i < 0 || from[i] >= 0) {
                    throw PlainJson.GIVE_UP;  // a field the schema lacks (strict), or one given twice
                }
                from[i] = out.size();
                value(in, fields.get(i).schema(), out, depth + 1);
                to[i] = out.size();
                next = i + 1;
            } while (in.skip(','));
            in.expect('}');
        }
        if (!rules.finishRecord(fields, start, from, to, out)) {
            throw PlainJson.GIVE_UP;
        }
    }

    private void array(PlainJson in, Schema s, AvroBuffer out, int depth) throws PlainJson.GiveUp {
        in.expect('[');
        int start = out.size();
        long count = 0;
        if (!in.skip(']')) {
            do {
                value(in, s.getElementType(), out, depth + 1);
                count++;
            } while (in.skip(','));
            in.expect(']');
        }
        out.closeBlock(start, count);
    }

    /** Picks the branch a strict {@link PayloadEncoder} would: the one container branch, or the first scalar to fit. */
    private void union(PlainJson in, Schema s, AvroBuffer out, int depth) throws PlainJson.GiveUp {
        List<Schema> branches = s.getTypes();
        byte next = in.next();
        if (next == '{' || next == '[') {
            int taker = -1;
            for (int i = 0; i < branches.size(); i++) {
                if (PayloadEncoder.takesContainer(branches.get(i), next == '{')) {
                    if (taker >= 0) {
                        throw PlainJson.GIVE_UP;
                    }
                    taker = i;
                }
            }
            if (taker < 0) {
                throw PlainJson.GIVE_UP;
            }
            out.writeInt(taker);
            value(in, branches.get(taker), out, depth + 1);
            return;
        }
        Kind k = in.scalar();
        for (int i = 0; i < branches.size(); i++) {
            if (fits(in, k, branches.get(i))) {
                out.writeInt(i);
                write(in, k, branches.get(i), out);
                return;
            }
        }
        throw PlainJson.GIVE_UP;
    }

    /** The scalar rules of {@code PayloadConverter}, as {@link PayloadEncoder} applies them to Jackson's tokens. */
    private static boolean fits(PlainJson in, Kind k, Schema s) {
        return switch (s.getType()) {
            case NULL -> k == Kind.NULL;
            case BOOLEAN -> k == Kind.TRUE || k == Kind.FALSE;
            case INT -> k == Kind.INT;
            case LONG -> k == Kind.INT || k == Kind.LONG;
            case FLOAT, DOUBLE -> k == Kind.INT || k == Kind.LONG || k == Kind.FLOAT;
            case STRING, BYTES -> k == Kind.STRING;
            case ENUM -> k == Kind.STRING && s.hasEnumSymbol(in.text());
            default -> false;
        };
    }

    /** Writes a scalar that {@link #fits}. */
    private static void write(PlainJson in, Kind k, Schema s, AvroBuffer out) {
        switch (s.getType()) {
            case BOOLEAN -> out.writeBoolean(k == Kind.TRUE);
            case INT -> out.writeInt((int) in.integer());
            case LONG -> out.writeLong(in.integer());
            case FLOAT -> out.writeFloat((float) number(in, k));
            case DOUBLE -> out.writeDouble(number(in, k));
            case STRING, BYTES -> out.writeUtf8(in.textBytes(), in.textStart(), in.textLength());
            case ENUM -> out.writeInt(s.getEnumOrdinal(in.text()));
            default -> {  // NULL: nothing to write
            }
        }
    }

    private static double number(PlainJson in, Kind k) {
        return k == Kind.FLOAT ? in.decimal() : in.integer();
    }

    private void collectNames(Schema s, Set<Schema> seen) {
        switch (s.getType()) {
            case RECORD -> {
                if (!seen.add(s)) {
                    return;
                }
                names.put(s, s.getFields().stream()
                        .map(f -> f.name().getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new));
                s.getFields().forEach(f -> collectNames(f.schema(), seen));
            }
            case UNION -> s.getTypes().forEach(b -> collectNames(b, seen));
            case ARRAY -> collectNames(s.getElementType(), seen);
            default -> {
            }
        }
    }
}
