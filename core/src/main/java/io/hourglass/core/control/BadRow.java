package io.hourglass.core.control;

import static java.util.Objects.requireNonNull;

import io.hourglass.core.Json;
import io.hourglass.core.kafka.KafkaSettings;
import java.time.Instant;

/**
 * A rejected event, kept with the reason it was rejected. {@code raw} is what was received, or its start when the
 * whole would not fit in a record ({@link #toJson}); {@code rawLength} is the length of the whole, in characters.
 */
public record BadRow(String type, String reasonCode, String reason, Instant receivedAt, String host, String raw,
                     int rawLength) {
    /** Folder for bad rows whose type is unknown or not a valid name. */
    public static final String UNKNOWN_TYPE = "_unknown";
    /** The most a bad row's JSON takes: as much as the largest event, so it fits in any producer's request. */
    public static final int MAX_JSON_BYTES = KafkaSettings.MAX_RECORD_BYTES;
    /** The bytes Jackson writes for each ASCII character in a JSON string (1, or 2 or 6 escaped), measured. */
    private static final int[] ASCII_BYTES = new int[128];
    /** The bytes Jackson writes for a surrogate pair (4 in UTF-8, or 12 as two escapes), measured. */
    private static final int PAIR_BYTES = jsonStringBytes("\uD83D\uDE00");

    static {
        for (char c = 0; c < 128; c++) {
            ASCII_BYTES[c] = jsonStringBytes(String.valueOf(c));
        }
    }

    public BadRow {
        requireNonNull(type, "type is null");
        requireNonNull(reasonCode, "reasonCode is null");
        requireNonNull(reason, "reason is null");
        requireNonNull(receivedAt, "receivedAt is null");
        requireNonNull(raw, "raw is null");
        // Rows written before rawLength was have it 0, and their raw whole.
        rawLength = Math.max(rawLength, raw.length());
    }

    /** A row of the whole of {@code raw}. */
    public BadRow(String type, String reasonCode, String reason, Instant receivedAt, String host, String raw) {
        this(type, reasonCode, reason, receivedAt, host, raw, raw.length());
    }

    /** Whether {@code raw} is only the start of what was received. */
    public boolean truncated() {
        return raw.length() < rawLength;
    }

    /**
     * This row as JSON of at most {@code maxBytes}: whole if it fits, else with {@code raw} cut to the longest start
     * that fits. Escapes can make a row several times larger than its raw text (a control character takes six
     * bytes), and a row larger than a producer's request would fail the send, for ever if its sender retries.
     */
    public byte[] toJson(int maxBytes) {
        byte[] json = Json.toBytes(this);
        if (json.length <= maxBytes) {
            return json;
        }
        long room = maxBytes - (long) Json.toBytes(withRaw(0)).length;
        int keep = 0;
        for (int cost; keep < raw.length() && (cost = escapedBytes(keep)) <= room; keep += charsAt(keep)) {
            room -= cost;
        }
        json = Json.toBytes(withRaw(keep));
        while (json.length > maxBytes && keep > 0) {
            keep -= Character.isLowSurrogate(raw.charAt(keep - 1)) && keep > 1 ? 2 : 1;  // not expected: a guard
            json = Json.toBytes(withRaw(keep));
        }
        return json;
    }

    /** The UTF-8 bytes of the character at {@code i} in a JSON string, as Jackson writes it. */
    private int escapedBytes(int i) {
        char c = raw.charAt(i);
        return c < 128 ? ASCII_BYTES[c] : c < 0x800 ? 2 : charsAt(i) == 2 ? PAIR_BYTES : 3;
    }

    private static int jsonStringBytes(String s) {
        return Json.toBytes(s).length - 2;
    }

    /** 2 at a surrogate pair, which is cut whole or not at all. */
    private int charsAt(int i) {
        return Character.isHighSurrogate(raw.charAt(i)) && i + 1 < raw.length()
                && Character.isLowSurrogate(raw.charAt(i + 1)) ? 2 : 1;
    }

    private BadRow withRaw(int length) {
        return new BadRow(type, reasonCode, reason, receivedAt, host, raw.substring(0, length), rawLength);
    }
}
