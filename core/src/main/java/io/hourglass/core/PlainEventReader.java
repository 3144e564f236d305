package io.hourglass.core;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;

/**
 * Reads a valid event in the plain form that clients write (see {@link PlainJson}: UTF-8, escapes that stand for
 * characters, only the envelope's own fields, each once, the payload after its type and version) straight from its
 * bytes, without a JSON parser: about twice as fast as {@link EnvelopeParser}. Anything else, and every invalid
 * event, it gives up on, and {@link EnvelopeParser} then gives the answer or the error; what it reads is exactly what
 * {@link EnvelopeParser} gives for the same line.
 */
public final class PlainEventReader {
    /** The envelope's fields, in the order clients write them. */
    private enum Field {
        ID("id"), TYPE("type"), VERSION("version"), EVENT_TIME("event_time"), LOGGED_AT("logged_at"),
        RECEIVED_AT("received_at"), HOST("host"), LATE("late"), PAYLOAD("payload");

        final byte[] name;

        Field(String name) {
            this.name = name.getBytes(StandardCharsets.US_ASCII);
        }
    }

    private static final Field[] FIELDS = Field.values();
    private static final byte[][] NAMES = Arrays.stream(FIELDS).map(f -> f.name).toArray(byte[][]::new);
    private static final byte HEX = 1;
    private static final byte DASH = 2;
    /** What each byte is, for ids: a hex digit, a dash, or neither. */
    private static final byte[] UUID_CLASSES = new byte[256];
    /** What each character of a canonical UUID must be. */
    private static final byte[] UUID_FORM = new byte[36];

    static {
        for (char c : "0123456789abcdefABCDEF".toCharArray()) {
            UUID_CLASSES[c] = HEX;
        }
        UUID_CLASSES['-'] = DASH;
        Arrays.fill(UUID_FORM, HEX);
        for (int dash : new int[] {8, 13, 18, 23}) {
            UUID_FORM[dash] = DASH;
        }
    }

    private PlainEventReader() {
    }

    /** Reads the payload object at the cursor, or gives up; null for a type or version it does not know. */
    @FunctionalInterface
    public interface PayloadReader<P> {
        P read(PlainJson in, String type, int version) throws PlainJson.GiveUp;
    }

    /** The event of the line {@code bytes[from, to)}, or null when the line is not a valid event in the plain form. */
    public static <P> EnvelopeParser.Parsed<P> read(byte[] bytes, int from, int to, PayloadReader<P> reader) {
        try {
            return read(new PlainJson(bytes, from, to), reader);
        } catch (PlainJson.GiveUp e) {
            return null;
        }
    }

    private static <P> EnvelopeParser.Parsed<P> read(PlainJson in, PayloadReader<P> reader) throws PlainJson.GiveUp {
        String id = null;
        String type = null;
        String host = null;
        int version = 0;
        Instant eventTime = null;
        Instant loggedAt = null;
        Instant receivedAt = null;
        boolean late = false;
        P payload = null;
        int seen = 0;
        int last = -1;
        in.expect('{');
        do {
            // Clients write the fields in one order: the ones after the last are tried first.
            int i = in.field(NAMES, last + 1);
            if (i < 0) {
                throw PlainJson.GIVE_UP;  // not one of the envelope's own fields
            }
            Field field = FIELDS[i];
            last = i;
            if ((seen & 1 << last) != 0) {
                throw PlainJson.GIVE_UP;  // given twice
            }
            seen |= 1 << last;
            switch (field) {
                case ID -> id = uuid(in);
                case TYPE -> type = string(in, in.scalar());
                case VERSION -> version = version(in);
                case EVENT_TIME -> eventTime = instant(in);
                case LOGGED_AT -> loggedAt = instant(in);
                case RECEIVED_AT -> receivedAt = instant(in);
                case HOST -> {
                    PlainJson.Kind k = in.scalar();
                    host = k == PlainJson.Kind.NULL ? null : string(in, k);
                }
                case LATE -> late = bool(in);
                case PAYLOAD -> {
                    if (type == null || version == 0) {
                        throw PlainJson.GIVE_UP;  // the general way reads such a payload as a tree, later
                    }
                    payload = reader.read(in, type, version);
                    if (payload == null) {
                        throw PlainJson.GIVE_UP;
                    }
                }
            }
        } while (in.skip(','));
        in.expect('}');
        if (!in.atEnd() || id == null || payload == null || loggedAt == null) {
            throw PlainJson.GIVE_UP;
        }
        return new EnvelopeParser.Parsed<>(id, type, version, eventTime, loggedAt, receivedAt, host, late, payload);
    }

    /** The string just read as {@code kind}; anything else gives up. */
    private static String string(PlainJson in, PlainJson.Kind kind) throws PlainJson.GiveUp {
        if (kind != PlainJson.Kind.STRING) {
            throw PlainJson.GIVE_UP;
        }
        return in.text();
    }

    /**
     * The canonical form only: {@code UUID.fromString} takes it, and the event keeps the text as it came. Checked
     * without a branch a character: ids are random, so branches on hex digits against letters would mispredict.
     */
    private static String uuid(PlainJson in) throws PlainJson.GiveUp {
        if (in.scalar() != PlainJson.Kind.STRING || in.textLength() != UUID_FORM.length) {
            throw PlainJson.GIVE_UP;
        }
        byte[] b = in.textBytes();
        int from = in.textStart();
        int wrong = 0;
        for (int i = 0; i < UUID_FORM.length; i++) {
            wrong |= UUID_CLASSES[b[from + i] & 0xFF] ^ UUID_FORM[i];
        }
        if (wrong != 0) {
            throw PlainJson.GIVE_UP;
        }
        return in.text();
    }

    private static int version(PlainJson in) throws PlainJson.GiveUp {
        if (in.scalar() != PlainJson.Kind.INT || in.integer() < 1) {
            throw PlainJson.GIVE_UP;
        }
        return (int) in.integer();
    }

    /** Epoch millis or ISO-8601 text, or null; anything that is not an instant gives up. */
    private static Instant instant(PlainJson in) throws PlainJson.GiveUp {
        return switch (in.scalar()) {
            case NULL -> null;
            case INT, LONG -> Instant.ofEpochMilli(in.integer());
            case STRING -> {
                try {
                    yield Instants.parse(in.text());
                } catch (DateTimeParseException e) {
                    throw PlainJson.GIVE_UP;
                }
            }
            default -> throw PlainJson.GIVE_UP;
        };
    }

    private static boolean bool(PlainJson in) throws PlainJson.GiveUp {
        return switch (in.scalar()) {
            case TRUE -> true;
            case FALSE -> false;
            default -> throw PlainJson.GIVE_UP;
        };
    }
}
