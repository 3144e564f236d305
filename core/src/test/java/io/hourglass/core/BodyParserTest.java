package io.hourglass.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class BodyParserTest {
    /** The payload as compact JSON; a payload with a field "bad" is refused, as a schema would. */
    private static final EnvelopeParser.PayloadReader<String> READER = (p, type, version) -> {
        JsonNode payload = Json.MAPPER.readTree(p);
        if (payload.has("bad")) {
            throw new InvalidEventException("schema_mismatch", "payload has 'bad': " + payload);
        }
        return payload.toString();
    };

    @Test
    void everyLineGetsTheAnswerItGetsAlone() {
        Random random = new Random(3);
        int shared = 0;
        for (int round = 0; round < 3000; round++) {
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(1, 12); i > 0; i--) {
                text.append(line(random)).append(random.nextInt(5) == 0 ? "\r\n" : "\n");
            }
            byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
            // Sometimes the body sits in a larger array, with garbage after it.
            byte[] array = random.nextBoolean() ? body : pad(body, random);
            try (BodyParser lines = new BodyParser(array, body.length)) {
                for (int[] span : spans(body)) {
                    if (random.nextInt(10) == 0) {
                        continue;  // a line the caller skips, as the collector skips an oversize one
                    }
                    Object alone = answer(() -> EnvelopeParser.parse(body, span[0], span[1] - span[0], READER));
                    Object together = answer(() -> lines.parse(span[0], span[1], READER));
                    assertThat(together).as(new String(body, span[0], span[1] - span[0], StandardCharsets.UTF_8))
                            .isEqualTo(alone);
                    shared++;
                }
            }
        }
        assertThat(shared).isGreaterThan(10_000);
    }

    @Test
    void anEventSpanningTwoLinesIsMalformedAndTheLinesAroundItAreRead() {
        String a = event(UUID.randomUUID().toString(), "{\"n\":1}");
        String b = event(UUID.randomUUID().toString(), "{\"n\":2}");
        // Together the two lines are a good event; each alone is not.
        String split = event(UUID.randomUUID().toString(), "{\"n\":3}").replace(",\"version\"", ",\n\"version\"");
        byte[] body = (a + "\n\n  \n" + split + "\n" + b + "\n").getBytes(StandardCharsets.UTF_8);
        List<int[]> spans = spans(body);
        assertThat(spans).hasSize(4);
        try (BodyParser lines = new BodyParser(body, body.length)) {
            assertThat(lines.parse(spans.get(0)[0], spans.get(0)[1], READER).payload()).isEqualTo("{\"n\":1}");
            for (int i = 1; i <= 2; i++) {
                int[] s = spans.get(i);
                Object answer = answer(() -> lines.parse(s[0], s[1], READER));
                assertThat(answer).asString().startsWith("malformed_json");
            }
            assertThat(lines.parse(spans.get(3)[0], spans.get(3)[1], READER).payload()).isEqualTo("{\"n\":2}");
        }
    }

    /** The parsed event, or the reason code and message it was refused with. */
    private static Object answer(java.util.function.Supplier<EnvelopeParser.Parsed<String>> parse) {
        try {
            return parse.get();
        } catch (InvalidEventException e) {
            return e.reasonCode() + ": " + e.getMessage();
        }
    }

    private static List<int[]> spans(byte[] body) {
        Lines.Events events = Lines.events(body);
        List<int[]> spans = new ArrayList<>();
        for (int i = 0; i < events.count(); i++) {
            spans.add(new int[] {events.from(i), events.to(i)});
        }
        return spans;
    }

    private static byte[] pad(byte[] body, Random random) {
        byte[] padded = new byte[body.length + random.nextInt(1, 40)];
        random.nextBytes(padded);
        System.arraycopy(body, 0, padded, 0, body.length);
        return padded;
    }

    private static String event(String id, String payload) {
        return "{\"id\":\"" + id + "\",\"type\":\"T\",\"version\":1,\"logged_at\":\"2026-11-24T10:00:00Z\","
                + "\"payload\":" + payload + "}";
    }

    /** A line of a body: mostly good events, and the ways a line can be wrong or odd. */
    private static String line(Random random) {
        String id = UUID.randomUUID().toString();
        String good = event(id, "{\"n\":" + random.nextInt(100) + ",\"tags\":[\"a\",{\"b\":null}]}");
        return switch (random.nextInt(16)) {
            case 0 -> good + " " + good;  // a second event on the line: the line alone ignores it
            case 1 -> good + " trailing";
            case 2 -> good.substring(0, random.nextInt(1, good.length()));  // cut short
            case 3 -> good.replace(",\"logged_at\"", ",\n\"logged_at\"");  // a good event over two lines
            case 4 -> "[1,2,3]";
            case 5 -> "\"a string\"";
            case 6 -> "42";
            case 7 -> "   \t ";  // blank: no event
            case 8 -> event(id, "{\"bad\":true}");
            case 9 -> "{\"payload\":{\"n\":1},\"id\":\"" + id + "\",\"type\":\"T\",\"version\":1,"
                    + "\"logged_at\":\"2026-11-24T10:00:00Z\"}";  // the payload before its type
            case 10 -> event("not-a-uuid", "{}");
            case 11 -> "}{";
            case 12 -> "  " + good + "\t";
            case 13 -> "{\"id\":\"" + id + "\",\"type\":\"T\",\"version\":1,\"payload\":{\"s\":\"\\u00e9\\n\"}}";
            default -> good;
        };
    }
}
