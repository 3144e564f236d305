package io.hourglass.core;

import java.nio.charset.StandardCharsets;

/**
 * A cursor over JSON in the plain form that clients write: well-formed UTF-8, integers of at most 18 digits, strings
 * whose escapes stand for characters (not a lone half of a surrogate pair). Anything else, valid JSON or not, ends
 * the read with {@link GiveUp}, and the caller hands the text to a full parser, which gives the exact answer or the
 * error. Not thread-safe: one per text.
 */
public final class PlainJson {
    /** Control flow, not an error: no stack trace, so giving up costs no more than a return. */
    public static final class GiveUp extends Exception {
        private GiveUp() {
            super("not plain JSON", null, false, false);
        }
    }

    public static final GiveUp GIVE_UP = new GiveUp();

    /** What a scalar token is; an integer is {@code INT} when it fits in an int. */
    public enum Kind { STRING, INT, LONG, FLOAT, TRUE, FALSE, NULL }

    private static final int MAX_INTEGER_DIGITS = 18;
    /** Far under Jackson's limit on a number's length, so a number it refuses is never read here. */
    private static final int MAX_NUMBER_CHARS = 64;

    private static final long QUOTES = EightBytes.repeated('"');
    private static final long BACKSLASHES = EightBytes.repeated('\\');
    private static final long SPACES = EightBytes.repeated(' ');
    private static final byte[] NOTHING_DECODED = new byte[0];

    private final byte[] bytes;
    private final int end;
    private int at;
    /** The last string's or number's text, as UTF-8: in {@link #bytes}, or in {@link #decoded} if it had escapes. */
    private byte[] text;
    private int start;
    private int stop;
    /** The last string with escapes, decoded; made at the first, for the rest of the text. */
    private byte[] decoded = NOTHING_DECODED;
    private long integer;

    /** The JSON text in {@code bytes[from, to)}. */
    public PlainJson(byte[] bytes, int from, int to) {
        this.bytes = bytes;
        this.text = bytes;
        this.at = from;
        this.end = to;
    }

    /** The next byte that is not whitespace, not read yet. */
    public byte next() throws GiveUp {
        skipWhitespace();
        if (at >= end) {
            throw GIVE_UP;
        }
        return bytes[at];
    }

    /** Reads {@code c}, after whitespace. */
    public void expect(char c) throws GiveUp {
        if (next() != c) {
            throw GIVE_UP;
        }
        at++;
    }

    /** Reads {@code c} if it comes next, after whitespace. */
    public boolean skip(char c) throws GiveUp {
        if (next() != c) {
            return false;
        }
        at++;
        return true;
    }

    /**
     * Reads an object's field name and the colon after it, and returns the name's index in {@code names}, or -1 if it
     * is none of them. Clients write fields in one order, some left out: the names from {@code likely} on are first
     * compared with the bytes at the cursor, one comparison for a hit, where reading the name scans it for escapes
     * before it can be compared. A name written with escapes, or out of order, is read and then looked up. The
     * {@code names} must need no escapes, as names in schemas do not.
     */
    public int field(byte[][] names, int likely) throws GiveUp {
        for (int i = likely; i < names.length; i++) {
            if (nameIs(names[i])) {
                return i;
            }
        }
        if (scalar() != Kind.STRING) {
            throw GIVE_UP;
        }
        expect(':');
        for (int i = 0; i < names.length; i++) {
            if (textEquals(names[i])) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Reads the field name {@code ascii} and the colon after it, if the name comes next written as those bytes; else
     * reads only the whitespace before it and returns false.
     */
    private boolean nameIs(byte[] ascii) throws GiveUp {
        skipWhitespace();
        int close = at + 1 + ascii.length;
        if (close >= end || bytes[at] != '"' || bytes[close] != '"') {
            return false;
        }
        for (int i = 0; i < ascii.length; i++) {
            if (bytes[at + 1 + i] != ascii[i]) {
                return false;
            }
        }
        text = bytes;
        start = at + 1;
        stop = close;
        at = close + 1;
        expect(':');
        return true;
    }

    /** Reads a scalar value: a string, a number, or a literal. */
    public Kind scalar() throws GiveUp {
        byte b = next();
        return switch (b) {
            case '"' -> string();
            case 't' -> literal("true", Kind.TRUE);
            case 'f' -> literal("false", Kind.FALSE);
            case 'n' -> literal("null", Kind.NULL);
            default -> number();
        };
    }

    /** Whether only whitespace is left. */
    public boolean atEnd() {
        skipWhitespace();
        return at == end;
    }

    /** Whether the last string read is {@code ascii}. */
    private boolean textEquals(byte[] ascii) {
        if (stop - start != ascii.length) {
            return false;
        }
        for (int i = 0; i < ascii.length; i++) {  // names are short: a loop beats Arrays.equals' setup
            if (text[start + i] != ascii[i]) {
                return false;
            }
        }
        return true;
    }

    /** The last string or number read, as text. */
    public String text() {
        return new String(text, start, stop - start, StandardCharsets.UTF_8);
    }

    /** The array that holds the last string's or number's text, as UTF-8. */
    public byte[] textBytes() {
        return text;
    }

    /** Where the last string's or number's text starts in {@link #textBytes}. */
    public int textStart() {
        return start;
    }

    public int textLength() {
        return stop - start;
    }

    /** The last integer read ({@code INT} or {@code LONG}). */
    public long integer() {
        return integer;
    }

    /** The last number read, as Jackson gives it for a double. */
    public double decimal() {
        return Double.parseDouble(text());
    }

    private Kind string() throws GiveUp {
        int i = at + 1;
        text = bytes;
        start = i;
        while (true) {
            i = nextSpecial(i);
            if (i >= end) {
                throw GIVE_UP;
            }
            byte b = bytes[i];
            if (b == '"') {
                stop = i;
                at = i + 1;
                return Kind.STRING;
            }
            if (b == '\\') {
                return escapedString(i);
            }
            if (b >= 0) {
                throw GIVE_UP;  // a control byte
            }
            i = pastUtf8(i);
        }
    }

    /**
     * The rest of a string from its first backslash at {@code i}, decoded into {@link #decoded} as the UTF-8 of the
     * chars Jackson decodes it to. Escapes only shrink, so the rest of the text bounds its length, and that of every
     * string after it.
     */
    private Kind escapedString(int i) throws GiveUp {
        if (decoded.length < end - start) {
            decoded = new byte[end - start];
        }
        int n = i - start;
        System.arraycopy(bytes, start, decoded, 0, n);
        while (true) {
            int to = nextSpecial(i);
            if (to >= end) {
                throw GIVE_UP;
            }
            System.arraycopy(bytes, i, decoded, n, to - i);
            n += to - i;
            i = to;
            byte b = bytes[i];
            if (b == '"') {
                text = decoded;
                start = 0;
                stop = n;
                at = i + 1;
                return Kind.STRING;
            } else if (b == '\\') {
                if (i + 1 >= end) {
                    throw GIVE_UP;
                }
                if (bytes[i + 1] == 'u') {
                    int c = hex4(i + 2);
                    i += 6;
                    if (c >= Character.MIN_HIGH_SURROGATE && c < Character.MIN_LOW_SURROGATE) {
                        c = pairedWith(c, i);
                        i += 6;
                    } else if (c >= Character.MIN_LOW_SURROGATE && c <= Character.MAX_LOW_SURROGATE) {
                        throw GIVE_UP;  // half a pair: Jackson keeps it, and Avro writes it as '?'
                    }
                    n = putUtf8(c, n);
                } else {
                    decoded[n++] = unescaped(bytes[i + 1]);
                    i += 2;
                }
            } else if (b >= 0) {
                throw GIVE_UP;  // a control byte
            } else {
                int next = pastUtf8(i);
                System.arraycopy(bytes, i, decoded, n, next - i);
                n += next - i;
                i = next;
            }
        }
    }

    /** The character of a high surrogate {@code high} and the escaped low surrogate that must come at {@code i}. */
    private int pairedWith(int high, int i) throws GiveUp {
        if (end - i < 2 || bytes[i] != '\\' || bytes[i + 1] != 'u') {
            throw GIVE_UP;
        }
        int low = hex4(i + 2);
        if (low < Character.MIN_LOW_SURROGATE || low > Character.MAX_LOW_SURROGATE) {
            throw GIVE_UP;
        }
        return Character.toCodePoint((char) high, (char) low);
    }

    /** The four hex digits at {@code i}. */
    private int hex4(int i) throws GiveUp {
        if (end - i < 4) {
            throw GIVE_UP;
        }
        int c = 0;
        for (int k = i; k < i + 4; k++) {
            int digit = Character.digit(bytes[k], 16);
            if (digit < 0) {
                throw GIVE_UP;
            }
            c = c << 4 | digit;
        }
        return c;
    }

    /** Writes {@code c}'s UTF-8 at {@code decoded[n]}; returns where it ends. */
    private int putUtf8(int c, int n) {
        if (c < 0x80) {
            decoded[n++] = (byte) c;
        } else if (c < 0x800) {
            decoded[n++] = (byte) (0xC0 | c >> 6);
            decoded[n++] = (byte) (0x80 | c & 0x3F);
        } else if (c < 0x10000) {
            decoded[n++] = (byte) (0xE0 | c >> 12);
            decoded[n++] = (byte) (0x80 | c >> 6 & 0x3F);
            decoded[n++] = (byte) (0x80 | c & 0x3F);
        } else {
            decoded[n++] = (byte) (0xF0 | c >> 18);
            decoded[n++] = (byte) (0x80 | c >> 12 & 0x3F);
            decoded[n++] = (byte) (0x80 | c >> 6 & 0x3F);
            decoded[n++] = (byte) (0x80 | c & 0x3F);
        }
        return n;
    }

    /** The character a one-letter escape stands for: JSON's eight. */
    private static byte unescaped(byte e) throws GiveUp {
        return switch (e) {
            case '"', '\\', '/' -> e;
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            default -> throw GIVE_UP;
        };
    }

    /** Where the first quote, backslash, control byte or non-ASCII byte at or after {@code i} is, or the end. */
    private int nextSpecial(int i) {
        for (; i <= end - Long.BYTES; i += Long.BYTES) {
            long found = specials(EightBytes.at(bytes, i));
            if (found != 0) {
                return i + EightBytes.first(found);
            }
        }
        for (; i < end; i++) {
            byte b = bytes[i];
            if (b == '"' || b == '\\' || b < 0x20) {  // negative: not ASCII
                return i;
            }
        }
        return end;
    }

    /**
     * Past the well-formed UTF-8 sequence of more than one byte at {@code i} (RFC 3629: the shortest form, no
     * surrogates, at most U+10FFFF). Jackson decodes such a sequence to the chars whose UTF-8 it is, so its bytes go
     * to Avro as they are; anything else gives up, as Jackson refuses it or would not write it back the same.
     */
    private int pastUtf8(int i) throws GiveUp {
        int lead = bytes[i] & 0xFF;
        int more;
        int low = 0x80;
        int high = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            more = 1;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            more = 2;
            low = lead == 0xE0 ? 0xA0 : 0x80;  // shorter forms of the same characters
            high = lead == 0xED ? 0x9F : 0xBF;  // surrogates
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            more = 3;
            low = lead == 0xF0 ? 0x90 : 0x80;
            high = lead == 0xF4 ? 0x8F : 0xBF;  // past U+10FFFF
        } else {
            throw GIVE_UP;
        }
        if (end - i <= more) {
            throw GIVE_UP;
        }
        int second = bytes[i + 1] & 0xFF;
        if (second < low || second > high) {
            throw GIVE_UP;
        }
        for (int k = 2; k <= more; k++) {
            if ((bytes[i + k] & 0xC0) != 0x80) {
                throw GIVE_UP;
            }
        }
        return i + 1 + more;
    }

    /** Flags each of eight bytes that is a quote, a backslash, a control byte or not ASCII. */
    private static long specials(long w) {
        return EightBytes.equalTo(w, QUOTES) | EightBytes.equalTo(w, BACKSLASHES) | EightBytes.below(w, SPACES)
                | EightBytes.nonAscii(w);
    }

    private Kind literal(String word, Kind kind) throws GiveUp {
        int n = word.length();
        if (end - at < n) {
            throw GIVE_UP;
        }
        for (int i = 0; i < n; i++) {
            if (bytes[at + i] != word.charAt(i)) {
                throw GIVE_UP;
            }
        }
        at += n;
        return kind;
    }

    /** JSON's grammar: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}. */
    private Kind number() throws GiveUp {
        int i = at;
        text = bytes;
        start = i;
        boolean negative = i < end && bytes[i] == '-';
        if (negative) {
            i++;
        }
        int digitsFrom = i;
        long value = 0;
        while (i < end && isDigit(bytes[i])) {
            value = value * 10 + (bytes[i] - '0');
            i++;
        }
        int digits = i - digitsFrom;
        if (digits == 0 || digits > MAX_INTEGER_DIGITS || digits > 1 && bytes[digitsFrom] == '0') {
            throw GIVE_UP;
        }
        boolean fraction = i < end && bytes[i] == '.';
        if (fraction) {
            i = digitsAfter(i + 1);
        }
        boolean exponent = i < end && (bytes[i] == 'e' || bytes[i] == 'E');
        if (exponent) {
            i++;
            if (i < end && (bytes[i] == '+' || bytes[i] == '-')) {
                i++;
            }
            i = digitsAfter(i);
        }
        if (i - start > MAX_NUMBER_CHARS) {
            throw GIVE_UP;
        }
        stop = i;
        at = i;
        if (fraction || exponent) {
            return Kind.FLOAT;
        }
        integer = negative ? -value : value;
        return integer == (int) integer ? Kind.INT : Kind.LONG;
    }

    /** Past one or more digits from {@code i}. */
    private int digitsAfter(int i) throws GiveUp {
        int from = i;
        while (i < end && isDigit(bytes[i])) {
            i++;
        }
        if (i == from) {
            throw GIVE_UP;
        }
        return i;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private void skipWhitespace() {
        while (at < end) {
            byte b = bytes[at];
            if (b > ' ' || b != ' ' && b != '\n' && b != '\r' && b != '\t') {  // most often the first test decides
                return;
            }
            at++;
        }
    }
}
