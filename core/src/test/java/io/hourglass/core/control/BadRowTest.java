package io.hourglass.core.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.core.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class BadRowTest {
    private static final Instant AT = Instant.parse("2026-03-01T10:20:00Z");

    @Test
    void aRowThatFitsIsWrittenWhole() {
        BadRow row = row("{\"id\":\"x\",\"quote\":\"\\\"\"}\u0001é😀");
        byte[] json = row.toJson(10_000);
        assertThat(json).isEqualTo(Json.toBytes(row));
        BadRow read = Json.fromBytes(json, BadRow.class);
        assertThat(read).isEqualTo(row);
        assertThat(read.truncated()).isFalse();
    }

    /** Mixes of text whose escapes cost 1, 2, 6 bytes (ASCII) and 2, 3, 4 (UTF-8, a surrogate pair). */
    @ParameterizedTest
    @ValueSource(strings = {"a", "\"", "\u0001", "\n", "é", "€", "😀", "a\"\u0001\té€😀b"})
    void aRowTooLargeKeepsTheLongestStartOfRawThatFits(String alphabet) {
        Random random = new Random(alphabet.hashCode());
        StringBuilder raw = new StringBuilder();
        int[] points = alphabet.codePoints().toArray();
        while (raw.length() < 50_000) {
            raw.appendCodePoint(points[random.nextInt(points.length)]);
        }
        BadRow row = row(raw.toString());
        int max = 20_000;

        byte[] json = row.toJson(max);

        assertThat(json.length).isLessThanOrEqualTo(max);
        BadRow read = Json.fromBytes(json, BadRow.class);
        assertThat(read.truncated()).isTrue();
        assertThat(read.rawLength()).isEqualTo(raw.length());
        assertThat(raw.toString()).startsWith(read.raw());
        // The longest: one more character (or pair) would not fit.
        int next = read.raw().length() + Character.charCount(raw.codePointAt(read.raw().length()));
        BadRow longer = new BadRow(row.type(), row.reasonCode(), row.reason(), AT, row.host(),
                raw.substring(0, next), raw.length());
        assertThat(Json.toBytes(longer).length).isGreaterThan(max);
        assertThat(new String(json, StandardCharsets.UTF_8)).doesNotContain("\uFFFD");
    }

    @Test
    void aRowWrittenBeforeRawLengthReadsAsWhole() {
        BadRow read = Json.fromBytes(("{\"type\":\"T\",\"reason_code\":\"oversize\",\"reason\":\"r\","
                + "\"received_at\":\"2026-03-01T10:20:00Z\",\"host\":\"h\",\"raw\":\"abc\"}")
                .getBytes(StandardCharsets.UTF_8), BadRow.class);
        assertThat(read.rawLength()).isEqualTo(3);
        assertThat(read.truncated()).isFalse();
    }

    private static BadRow row(String raw) {
        return new BadRow("T", "malformed_json", "not JSON", AT, "host-1", raw);
    }
}
