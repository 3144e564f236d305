package io.hourglass.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.core.avro.AvroBuffer;
import io.hourglass.core.avro.PayloadEncoder;
import io.hourglass.core.avro.PlainPayloadEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The plain reader against Jackson's streaming path (what the collector did alone before): on every line it reads,
 * it must give exactly what that path gives, envelope and Avro bytes; and it must give up on what that path refuses.
 */
class PlainEventReaderTest {
    private static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type":"record","name":"P","fields":[
              {"name":"user","type":"string"},
              {"name":"count","type":"long"},
              {"name":"small","type":"int","default":7},
              {"name":"ratio","type":"double"},
              {"name":"f","type":"float","default":0.5},
              {"name":"ok","type":"boolean","default":false},
              {"name":"kind","type":{"type":"enum","name":"K","symbols":["A","B","C"]},"default":"A"},
              {"name":"note","type":["null","string"],"default":null},
              {"name":"num","type":["null","long","double"],"default":null},
              {"name":"tags","type":{"type":"array","items":"string"},"default":[]},
              {"name":"inner","type":["null",{"type":"record","name":"I","fields":[
                {"name":"a","type":"long"},{"name":"b","type":{"type":"array","items":"double"},"default":[]}]}],
               "default":null},
              {"name":"raw","type":"bytes","default":""},
              {"name":"attrs","type":{"type":"map","values":"string"},"default":{}}
            ]}""");
    private static final String ID = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";

    private final PayloadEncoder strict = new PayloadEncoder(SCHEMA, true);
    private final PlainPayloadEncoder plain = new PlainPayloadEncoder(strict);

    /** What the collector's Jackson pass gives: the envelope and the payload's Avro bytes, or null when it gives up. */
    private EnvelopeParser.Parsed<byte[]> jackson(byte[] line) {
        AvroBuffer out = new AvroBuffer(64);
        try {
            return EnvelopeParser.parse(line, (p, type, version) -> {
                out.reset();
                return type.equals("T") && version == 1 && strict.encode(p, out) ? out.toByteArray() : null;
            });
        } catch (InvalidEventException e) {
            return null;
        }
    }

    private EnvelopeParser.Parsed<byte[]> plain(byte[] line) {
        AvroBuffer out = new AvroBuffer(64);
        return PlainEventReader.read(line, 0, line.length, (in, type, version) -> {
            if (!type.equals("T") || version != 1) {
                return null;
            }
            out.reset();
            plain.encode(in, out);
            return out.toByteArray();
        });
    }

    /** Checks the line; true when the plain reader read it. */
    private boolean agrees(byte[] line) {
        EnvelopeParser.Parsed<byte[]> fast = plain(line);
        if (fast == null) {
            return false;
        }
        EnvelopeParser.Parsed<byte[]> expected = jackson(line);
        String text = new String(line, StandardCharsets.ISO_8859_1);
        assertThat(expected).as("Jackson's pass refuses or gives up on %s, which the plain reader read", text)
                .isNotNull();
        assertThat(expected.payload()).as("no payload from Jackson's pass for %s", text).isNotNull();
        assertThat(withoutPayload(fast)).as(text).isEqualTo(withoutPayload(expected));
        assertThat(fast.payload()).as("Avro of %s", text).isEqualTo(expected.payload());
        return true;
    }

    private static EnvelopeParser.Parsed<Void> withoutPayload(EnvelopeParser.Parsed<byte[]> e) {
        return new EnvelopeParser.Parsed<>(e.id(), e.type(), e.version(), e.eventTime(), e.loggedAt(), e.receivedAt(),
                e.host(), e.late(), null);
    }

    @Test
    void eventsAsClientsWriteThemAreReadAsJacksonReadsThem() {
        Random random = new Random(42);
        for (int i = 0; i < 3000; i++) {
            String line = new Events(random, false).event();
            assertThat(agrees(bytes(line))).as("a plain event left to Jackson: %s", line).isTrue();
        }
    }

    @Test
    void eventsInAnyFormAndDamagedOnesAreReadExactlyOrLeftToJackson() {
        Random random = new Random(7);
        int read = 0;
        int damagedRead = 0;
        for (int i = 0; i < 6000; i++) {
            String line = new Events(random, true).event();
            byte[] b = bytes(line);
            read += agrees(b) ? 1 : 0;
            for (int m = 0; m < 4; m++) {
                damagedRead += agrees(mutate(b, random)) ? 1 : 0;
            }
        }
        // Not vacuous: many of the varied events, and some damaged lines that still parse, are read plainly.
        assertThat(read).isBetween(600, 5900);
        assertThat(damagedRead).isBetween(200, 23000);
    }

    /** The envelope's fields and a payload as clients write them: each case changes one thing. */
    private static final String ENVELOPE = "\"id\":\"" + ID + "\",\"type\":\"T\",\"version\":1,\"logged_at\":1";
    private static final String PAYLOAD = "\"payload\":{\"user\":\"a\",\"count\":1,\"ratio\":1}";

    static Stream<String> notPlainOrNotValid() {
        String user = "\"payload\":{\"user\":";
        return Stream.of(
                "{" + ENVELOPE + "," + user + "\"a\\x\",\"count\":1,\"ratio\":1}}",
                "{" + ENVELOPE + "," + user + "\"a\\udc00\",\"count\":1,\"ratio\":1}}",
                "{" + ENVELOPE + "," + user + "\"a\\ud83d\",\"count\":1,\"ratio\":1}}",
                "{" + ENVELOPE + "," + user + "\"a\\ud83d\\u0041\",\"count\":1,\"ratio\":1}}",
                "{" + ENVELOPE + "," + user + "\"a\\ud83dx\\ude00\",\"count\":1,\"ratio\":1}}",
                "{" + ENVELOPE + "," + user + "\"a\\u12\",\"count\":1,\"ratio\":1}}",
                "{" + ENVELOPE + "," + user + "\"a\\u12g4\",\"count\":1,\"ratio\":1}}",
                "{" + ENVELOPE + "," + user + "\"a\\\u0001\",\"count\":1,\"ratio\":1}}",
                "{" + ENVELOPE + "," + user + "\"a\\n\u0001\",\"count\":1,\"ratio\":1}}",
                "{" + ENVELOPE + "," + user + "\"a\\\"",
                "{" + ENVELOPE + "," + user + "\"a\\",
                "{" + ENVELOPE + ",\"extra\":1," + PAYLOAD + "}",
                "{" + ENVELOPE.replace("\"type\"", "\"types\"") + "," + PAYLOAD + "}",
                "{" + ENVELOPE.replace("\"type\"", "\"typ\"") + "," + PAYLOAD + "}",
                "{" + ENVELOPE + "," + PAYLOAD.replace("\"count\"", "\"counts\"") + "}",
                "{" + ENVELOPE + "," + PAYLOAD.replace("\"count\"", "\"coun\"") + "}",
                "{" + ENVELOPE + ",\"type\":\"T\"," + PAYLOAD + "}",
                "{" + ENVELOPE + "," + user + "\"a\",\"user\":\"b\",\"count\":1,\"ratio\":1}}",
                "{" + PAYLOAD + "," + ENVELOPE + "}",
                "{" + ENVELOPE + "," + user + "\"a\",\"count\":01,\"ratio\":1}}",
                "{" + ENVELOPE + "," + PAYLOAD + "} x",
                "{" + ENVELOPE + "," + user + "\"a\",\"count\":12345678901234567890,\"ratio\":1}}",
                "{" + ENVELOPE + "," + user + "\"a\",\"count\":1,\"ratio\":1,}}",
                "{" + ENVELOPE + "," + user + "\"a\",\"count\":1,\"ratio\":1,\"attrs\":{}}}",
                "{" + ENVELOPE.replace("\"T\"", "\"U\"") + "," + PAYLOAD + "}",
                "{" + ENVELOPE.replace("\"T\"", "7") + "," + PAYLOAD + "}",
                "{" + ENVELOPE.replace(ID, ID.replace('a', 'g')) + "," + PAYLOAD + "}",
                "{" + ENVELOPE.replace(ID, ID.replace('-', '_')) + "," + PAYLOAD + "}",
                "{" + ENVELOPE + ",\"host\":5," + PAYLOAD + "}",
                "{" + ENVELOPE + ",\"late\":1," + PAYLOAD + "}",
                "{" + ENVELOPE.replace("\"logged_at\":1", "\"logged_at\":\"yesterday\"") + "," + PAYLOAD + "}",
                "{" + ENVELOPE.replace(",\"logged_at\":1", "") + "," + PAYLOAD + "}",
                "{" + ENVELOPE.replace("\"version\":1", "\"version\":0") + "," + PAYLOAD + "}",
                "{" + ENVELOPE + "," + user + "\"a\",\"count\":1,\"ratio\":1e999x}}",
                "{" + ENVELOPE + ",\"payload\":{\"count\":1,\"ratio\":1}}",
                "\uFEFF{" + ENVELOPE + "," + PAYLOAD + "}");
    }

    @ParameterizedTest
    @MethodSource("notPlainOrNotValid")
    void whatIsNotPlainOrNotValidIsLeftToJackson(String line) {
        assertThat(plain(bytes("{" + ENVELOPE + "," + PAYLOAD + "}"))).isNotNull();
        assertThat(plain(bytes(line))).isNull();
    }

    /** Every kind of escape, in every place a string goes: names, the envelope's strings, enum symbols, values. */
    @Test
    void escapesAreDecodedAsJacksonDecodesThem() {
        String line = "{\"\\u0069d\":\"" + ID.replace("a", "\\u0061") + "\",\"type\":\"\\u0054\",\"version\":1,"
                + "\"logged_at\":\"2026-11-23T13:00:00\\u002e5Z\",\"host\":\"h\\u00f6st\\/1\","
                + "\"payload\":{\"us\\u0065r\":\"\\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t "
                + "\\u0000\\u001F\\u007f\\u0080\\u07FF\\u0800\\uFFFF\\ud83c\\udfb5\\uDBFF\\uDFFF\","
                + "\"count\":1,\"ratio\":1,\"kind\":\"\\u0042\","
                + "\"tags\":[\"J\\u00fcrgen \\u4e2d\\u6587\", \"plain \u00e9 \\n then \u4e2d\"]}}";
        assertThat(agrees(bytes(line))).isTrue();
        EnvelopeParser.Parsed<byte[]> read = plain(bytes(line));
        assertThat(read.host()).isEqualTo("h\u00f6st/1");
        assertThat(read.id()).isEqualTo(ID);
    }

    /** What Python's json.dumps writes by default: every character past ASCII escaped, emoji as surrogate pairs. */
    @Test
    void textEscapedToAsciiIsReadPlainly() {
        String user = "J\u00fcrgen \u4e2d\u6587 \uD83C\uDFB5 \"quoted\"\n";
        StringBuilder escaped = new StringBuilder();
        for (char c : user.toCharArray()) {
            escaped.append(c < 0x80 && c != '"' && c != '\n' ? String.valueOf(c) : "\\u%04x".formatted((int) c));
        }
        String line = "{" + ENVELOPE + ",\"payload\":{\"user\":\"" + escaped + "\",\"count\":1,\"ratio\":1}}";
        assertThat(agrees(bytes(line))).isTrue();
    }

    @Test
    void textInAnyLanguageIsReadPlainlyAsJacksonReadsIt() {
        String line = "{" + ENVELOPE + ",\"host\":\"h\u00f6st\"," + "\"payload\":{\"user\":\"J\u00fcrgen \u4e2d\u6587 "
                + "\uD83C\uDFB5\",\"count\":1,\"ratio\":1,\"tags\":[\"\u00e9t\u00e9\"]}}";
        assertThat(agrees(bytes(line))).isTrue();
        assertThat(plain(bytes(line)).host()).isEqualTo("h\u00f6st");
    }

    /** Bytes that are not UTF-8, or not its shortest form, which Jackson refuses or would not write back the same. */
    @ParameterizedTest
    @ValueSource(strings = {"C080", "C1BF", "E08080", "EDA080", "EDBFBF", "F08F8080", "F4908080", "F5808080", "80",
        "BF", "E282", "C3", "FF", "E2822A"})
    void malformedOrOverlongUtf8IsLeftToJackson(String hex) {
        byte[] bad = java.util.HexFormat.of().parseHex(hex);
        byte[] before = bytes("{" + ENVELOPE + ",\"payload\":{\"user\":\"a");
        byte[] after = bytes("b\",\"count\":1,\"ratio\":1}}");
        assertThat(plain(concat(concat(before, bad), after))).isNull();
        byte[] good = bytes("{" + ENVELOPE + ",\"payload\":{\"user\":\"ab\",\"count\":1,\"ratio\":1}}");
        assertThat(plain(good)).isNotNull();
    }

    @Test
    void anIdThatUuidTakesButIsNotCanonicalIsLeftToJackson() {
        String form = "{" + ENVELOPE.replace(ID, "%s") + "," + PAYLOAD + "}";
        assertThat(plain(bytes(form.formatted(ID)))).isNotNull();
        assertThat(jackson(bytes(form.formatted("1-2-3-4-5")))).isNotNull();
        assertThat(plain(bytes(form.formatted("1-2-3-4-5")))).isNull();
    }

    @Test
    void nestingDeeperThanJacksonAllowsIsNeverReadPlainly() {
        Schema nested = new Schema.Parser().parse("""
                {"type":"record","name":"N","fields":[{"name":"next","type":["null","N"],"default":null}]}""");
        PlainPayloadEncoder deep = new PlainPayloadEncoder(new PayloadEncoder(nested, true));
        String payload = "{\"next\":".repeat(2000) + "null" + "}".repeat(2000);
        byte[] line = bytes("{\"id\":\"" + ID + "\",\"type\":\"N\",\"version\":1,\"logged_at\":1,\"payload\":"
                + payload + "}");
        assertThat(PlainEventReader.read(line, 0, line.length, (in, type, version) -> {
            deep.encode(in, new AvroBuffer(64));
            return true;
        })).isNull();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** What damage puts in: JSON's own characters, letters, and bytes that are not UTF-8 or only part of it. */
    private static final byte[] DAMAGE = concat(bytes("\"\\{}[],:-+.eE0123456789 \tnulltruefalse\u00e9\u0001xZ"),
            java.util.HexFormat.of().parseHex("80BFC0C1C3E0EDF0F4F5FF"));

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** One random change: a byte replaced, dropped or added, or a piece repeated. */
    private static byte[] mutate(byte[] line, Random random) {
        int at = random.nextInt(line.length);
        byte b = DAMAGE[random.nextInt(DAMAGE.length)];
        List<Byte> out = new ArrayList<>(line.length + 8);
        for (byte x : line) {
            out.add(x);
        }
        switch (random.nextInt(4)) {
            case 0 -> out.set(at, b);
            case 1 -> out.remove(at);
            case 2 -> out.add(at, b);
            default -> {
                int to = Math.min(line.length, at + 1 + random.nextInt(12));
                out.addAll(at, out.subList(at, to).stream().toList());
            }
        }
        byte[] result = new byte[out.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = out.get(i);
        }
        return result;
    }

    /** Random events of type T: as clients write them, or ({@code varied}) in any order, spacing and form. */
    private record Events(Random r, boolean varied) {
        String event() {
            List<String> fields = new ArrayList<>();
            fields.add("\"id\":\"" + (varied && r.nextInt(20) == 0 ? ID.toUpperCase() : ID) + "\"");
            fields.add("\"type\":\"T\"");
            fields.add("\"version\":1");
            if (!varied || r.nextBoolean()) {
                fields.add("\"event_time\":" + instant());
            }
            fields.add("\"logged_at\":" + instant());
            if (varied && r.nextInt(4) == 0) {
                fields.add("\"received_at\":" + (r.nextBoolean() ? "null" : instant()));
            }
            if (varied && r.nextInt(4) == 0) {
                fields.add("\"host\":" + (r.nextBoolean() ? "null" : "\"web-" + r.nextInt(9) + "\""));
            }
            if (varied && r.nextInt(4) == 0) {
                fields.add("\"late\":" + r.nextBoolean());
            }
            fields.add("\"payload\":" + payload());
            if (varied && r.nextInt(10) == 0) {
                java.util.Collections.swap(fields, r.nextInt(fields.size()), r.nextInt(fields.size()));
            }
            return object(fields);
        }

        private String instant() {
            return switch (varied ? r.nextInt(4) : 0) {
                case 0 -> "\"2026-11-23T13:" + two(60) + ":" + two(60) + "." + r.nextInt(1000) + "Z\"";
                case 1 -> Long.toString(1_700_000_000_000L + r.nextInt(1_000_000));
                case 2 -> "\"2026-11-23T13:59:58Z\"";
                default -> "\"2026-11-23T13:59:58.123456789Z\"";
            };
        }

        private String two(int bound) {
            int v = r.nextInt(bound);
            return v < 10 ? "0" + v : Integer.toString(v);
        }

        private String payload() {
            List<String> f = new ArrayList<>();
            f.add("\"user\":" + string());
            f.add("\"count\":" + integer());
            f.add("\"ratio\":" + number());
            if (!varied) {
                f.add("\"tags\":[" + string() + "," + string() + "]");
                return object(f);
            }
            maybe(f, "\"small\":" + (r.nextInt(10) == 0 ? Long.toString(1L << 40) : Integer.toString(r.nextInt())));
            maybe(f, "\"f\":" + number());
            maybe(f, "\"ok\":" + r.nextBoolean());
            maybe(f, "\"kind\":\"" + "ABCD".charAt(r.nextInt(4)) + "\"");
            maybe(f, "\"note\":" + (r.nextBoolean() ? "null" : string()));
            maybe(f, "\"num\":" + switch (r.nextInt(4)) {
                case 0 -> "null";
                case 1 -> integer();
                case 2 -> number();
                default -> string();
            });
            maybe(f, "\"tags\":[" + (r.nextBoolean() ? "" : string() + ", " + string()) + "]");
            maybe(f, "\"inner\":" + (r.nextBoolean() ? "null" : "{\"a\":" + integer() + ",\"b\":[" + number() + ","
                    + number() + "]}"));
            maybe(f, "\"raw\":" + string());
            if (r.nextInt(20) == 0) {
                f.add("\"attrs\":{\"k\":\"v\"}");
            }
            java.util.Collections.shuffle(f, r);
            return object(f);
        }

        private void maybe(List<String> fields, String field) {
            if (r.nextBoolean()) {
                fields.add(field);
            }
        }

        private String string() {
            StringBuilder s = new StringBuilder("\"");
            int n = r.nextInt(varied ? 40 : 20);
            for (int i = 0; i < n; i++) {
                s.append((char) ('a' + r.nextInt(26)));
            }
            for (int k = 0; varied && k < 3 && r.nextInt(6) == 0; k++) {
                s.append(switch (r.nextInt(6)) {
                    case 0 -> "\\" + "\"\\/bfnrt".charAt(r.nextInt(8));
                    case 1 -> "\\u" + hex(r.nextInt(0x10000));  // lone surrogates among them
                    case 2 -> "\\u" + hex(0xD800 + r.nextInt(0x400)) + "\\u" + hex(0xDC00 + r.nextInt(0x400));
                    case 3 -> "\\u" + hex(r.nextInt(0x80));
                    case 4 -> (char) ('a' + r.nextInt(26));
                    default -> r.nextBoolean() ? "\u00e9\u4e2d" : "\uD83C\uDFB5";
                });
            }
            return s.append('"').toString();
        }

        private String hex(int c) {
            String h = "%04x".formatted(c);
            return r.nextBoolean() ? h : h.toUpperCase();
        }

        private String integer() {
            return switch (varied ? r.nextInt(5) : 0) {
                case 0 -> Integer.toString(r.nextInt(100_000));
                case 1 -> Long.toString(r.nextLong());
                case 2 -> "-0";
                case 3 -> Integer.toString(Integer.MIN_VALUE);
                default -> Long.toString(r.nextLong() / 10);
            };
        }

        private String number() {
            return switch (varied ? r.nextInt(7) : 0) {
                case 0 -> Double.toString(r.nextDouble() * 1000);
                case 1 -> Integer.toString(r.nextInt());
                case 2 -> "-0.0";
                case 3 -> r.nextInt(100) + "e" + (r.nextInt(40) - 20);
                case 4 -> "1.7976931348623157E308";
                case 5 -> "123456789012345678901234567890";
                default -> "0." + "3".repeat(1 + r.nextInt(30));
            };
        }

        private String object(List<String> fields) {
            String comma = varied && r.nextInt(5) == 0 ? " , " : ",";
            String open = varied && r.nextInt(5) == 0 ? "{ " : "{";
            return open + String.join(comma, fields) + (varied && r.nextInt(5) == 0 ? "\t}" : "}");
        }
    }
}
