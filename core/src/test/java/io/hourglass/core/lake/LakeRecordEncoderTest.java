package io.hourglass.core.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.core.EnvelopeHeader;
import io.hourglass.core.EnvelopeParser;
import io.hourglass.core.InvalidEventException;
import io.hourglass.core.avro.AvroBuffer;
import io.hourglass.core.avro.AvroBytes;
import io.hourglass.core.avro.PayloadEncoder;
import io.hourglass.core.registry.PayloadConverter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.file.SeekableByteArrayInput;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.junit.jupiter.api.Test;

/** The direct encoding must give exactly the bytes of the general way, or give up on that event. */
class LakeRecordEncoderTest {
    private static final Schema PAYLOAD = new Schema.Parser().parse("""
            {"type":"record","name":"R","fields":[
              {"name":"s","type":"string"},
              {"name":"i","type":"int"},
              {"name":"l","type":"long","default":7},
              {"name":"d","type":"double","default":0.5},
              {"name":"f","type":"float","default":1.5},
              {"name":"b","type":"boolean","default":false},
              {"name":"e","type":{"type":"enum","name":"E","symbols":["A","B","C"]},"default":"A"},
              {"name":"by","type":"bytes","default":"\\u00ff"},
              {"name":"opt","type":["null","string","long"],"default":null},
              {"name":"num","type":["int","double"],"default":1},
              {"name":"items","type":{"type":"array","items":{"type":"record","name":"Item","fields":[
                 {"name":"k","type":"string"},{"name":"v","type":["null","long"],"default":null}]}},"default":[]},
              {"name":"tags","type":{"type":"array","items":"string"},"default":["x"]},
              {"name":"m","type":{"type":"map","values":"int"},"default":{}},
              {"name":"either","type":["null",{"type":"record","name":"P","fields":[{"name":"x","type":"int"}]},
                 {"type":"map","values":"string"}],"default":null},
              {"name":"nested","type":["null",{"type":"record","name":"N","fields":[
                 {"name":"id","type":"string"},{"name":"at","type":"long","default":0},
                 {"name":"deep","type":{"type":"array","items":{"type":"array","items":"int"}},"default":[]}]}],
                 "default":null}]}""");
    private static final Schema FILE = LakeRecords.schema("T", PAYLOAD);
    private static final String[] STRINGS = {"", "a", "play", "caf\\u00e9", "\\\"quoted\\\"", "tab\\tnew\\nline",
        "\\ud83d\\ude00", "\\ud800", "x".repeat(200), "\\u0000"};

    @Test
    void givesTheBytesOfTheGeneralWayOrGivesUp() throws Exception {
        Random random = new Random(7);
        LakeRecordEncoder encoder = new LakeRecordEncoder(PAYLOAD);
        int direct = 0;
        int gaveUp = 0;
        int invalid = 0;
        for (int n = 0; n < 20_000; n++) {
            boolean late = random.nextInt(5) == 0;
            byte[] event = randomEvent(random);
            byte[] expected;
            try {
                expected = generalWay(event, late);
            } catch (InvalidEventException e) {
                invalid++;
                assertThat(encoder.encode(event, late)).as(new String(event)).isEmpty();
                continue;
            }
            Optional<ByteBuffer> encoded = encoder.encode(event, late);
            if (encoded.isEmpty()) {
                gaveUp++;
                continue;
            }
            direct++;
            assertThat(bytes(encoded.get())).as(new String(event)).isEqualTo(expected);
        }
        assertThat(direct).as("encoded directly").isGreaterThan(5_000);
        assertThat(gaveUp).as("left to the general way (maps, ambiguous unions)").isGreaterThan(100);
        assertThat(invalid).as("invalid for the schema").isGreaterThan(100);
    }

    @Test
    void aFileOfEncodedRecordsReadsBackAsTheGeneralWaysFile() throws Exception {
        Random random = new Random(11);
        LakeRecordEncoder encoder = new LakeRecordEncoder(PAYLOAD);
        ByteArrayOutputStream general = new ByteArrayOutputStream();
        ByteArrayOutputStream direct = new ByteArrayOutputStream();
        int records = 0;
        try (DataFileWriter<GenericData.Record> g = new DataFileWriter<>(new GenericDatumWriter<>(FILE));
             DataFileWriter<GenericData.Record> d = new DataFileWriter<>(new GenericDatumWriter<>(FILE))) {
            g.create(FILE, general);
            d.create(FILE, direct);
            while (records < 2_000) {
                byte[] event = randomEvent(random);
                GenericData.Record record;
                try {
                    record = LakeRecords.toRecord(EnvelopeParser.parse(event,
                            (p, t, v) -> PayloadConverter.read(p, PAYLOAD)), false, FILE);
                } catch (InvalidEventException e) {
                    continue;
                }
                records++;
                g.append(record);
                Optional<ByteBuffer> encoded = encoder.encode(event, false);
                if (encoded.isPresent()) {
                    d.appendEncoded(encoded.get());
                } else {
                    d.append(record);
                }
            }
        }
        List<String> expected = read(general.toByteArray());
        assertThat(expected).hasSize(records);
        assertThat(read(direct.toByteArray())).isEqualTo(expected);
    }

    private static List<String> read(byte[] file) throws IOException {
        List<String> records = new ArrayList<>();
        try (DataFileReader<GenericData.Record> r = new DataFileReader<>(new SeekableByteArrayInput(file),
                new GenericDatumReader<>(FILE))) {
            r.forEach(record -> records.add(record.toString()));
        }
        return records;
    }

    /** The collector's way: a strict encoding of the payload into Kafka, the envelope in the record's header. */
    @Test
    void aRecordMadeOfAKafkaHeaderAndAvroPayloadIsTheGeneralWaysRecord() {
        Random random = new Random(13);
        PayloadEncoder strict = new PayloadEncoder(PAYLOAD, true);
        AvroBuffer payload = new AvroBuffer(16);
        int made = 0;
        for (int n = 0; n < 5_000; n++) {
            byte[] event = randomEvent(random);
            EnvelopeParser.Parsed<Boolean> e;
            try {
                e = EnvelopeParser.parse(event, (p, t, v) -> {
                    payload.reset();
                    return strict.encode(p, payload);
                });
                generalWay(event, false);
            } catch (InvalidEventException invalid) {
                continue;
            }
            if (!e.payload()) {
                continue;
            }
            assertThat(checks(event)).as("what the strict encoder takes, the collector's check accepts").isTrue();
            made++;
            EnvelopeHeader header = new EnvelopeHeader(e.id(), e.version(), e.eventTime(), e.loggedAt(),
                    e.receivedAt(), e.host(), e.late());
            byte[] record = LakeRecordEncoder.fromKafka("T", header, payload.toByteArray());
            assertThat(record).as(new String(event)).isEqualTo(generalWay(event, false));

            LakeRecords.Encoded read = LakeRecords.envelope(record);
            assertThat(read.header().id()).isEqualTo(e.id());
            assertThat(read.type()).isEqualTo("T");
            assertThat(read.header().version()).isEqualTo(e.version());
            assertThat(read.header().loggedAt()).isEqualTo(Instant.ofEpochMilli(e.loggedAt().toEpochMilli()));
            assertThat(read.header().hour()).isEqualTo(e.hour());
            assertThat(read.header().host()).isEqualTo(e.host() == null ? "" : e.host());
            assertThat(record[read.lateAt()]).isEqualTo((byte) (e.late() ? 1 : 0));
            assertThat(Arrays.copyOfRange(record, read.payloadAt(), record.length)).isEqualTo(payload.toByteArray());
        }
        assertThat(made).as("payloads the strict encoder took").isGreaterThan(1_000);
    }

    @Test
    void anEnvelopeWhoseLateFlagIsNotABooleanIsRefused() {
        EnvelopeHeader h = new EnvelopeHeader("6f1c1a9e-3b7e-4c39-9a8e-1d2f3a4b5c6d", 1, null,
                Instant.parse("2026-11-23T10:00:00Z"), Instant.parse("2026-11-23T10:00:01Z"), "web-1", false);
        byte[] record = LakeRecordEncoder.fromKafka("T", h, new byte[] {0});
        record[LakeRecords.envelope(record).lateAt()] = 7;
        assertThatThrownBy(() -> LakeRecords.envelope(record)).hasMessageContaining("late flag");
    }

    @Test
    void anOlderVersionsPayloadTakesTheNewSchemasDefaultsAndLosesRemovedFields() {
        byte[] event = ("{\"id\":\"" + UUID.randomUUID() + "\",\"type\":\"T\",\"version\":1,"
                + "\"logged_at\":\"2026-11-24T10:00:00Z\",\"payload\":{\"i\":3,\"gone\":[1,2],\"s\":\"v1\"}}")
                .getBytes();
        Optional<ByteBuffer> encoded = new LakeRecordEncoder(PAYLOAD).encode(event, false);
        assertThat(encoded).isPresent();
        assertThat(bytes(encoded.get())).isEqualTo(generalWay(event, false));
    }

    private static boolean checks(byte[] event) {
        try {
            EnvelopeParser.parse(event, (p, t, v) -> {
                PayloadConverter.check(p, PAYLOAD);
                return null;
            });
            return true;
        } catch (InvalidEventException e) {
            return false;
        }
    }

    private static byte[] generalWay(byte[] event, boolean late) {
        GenericData.Record record = LakeRecords.toRecord(
                EnvelopeParser.parse(event, (p, t, v) -> PayloadConverter.read(p, PAYLOAD)), late, FILE);
        try {
            return AvroBytes.of(FILE, record);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        return Arrays.copyOfRange(b.array(), b.arrayOffset() + b.position(), b.arrayOffset() + b.limit());
    }

    private static byte[] randomEvent(Random r) {
        List<String> fields = new ArrayList<>(List.of("\"id\":\"" + new UUID(r.nextLong(), r.nextLong()) + "\"",
                "\"type\":\"T\"", "\"version\":" + (1 + r.nextInt(3)),
                "\"logged_at\":" + (r.nextBoolean() ? "\"2026-11-24T10:15:30.250Z\"" : "1795515330250"),
                "\"payload\":" + json(PAYLOAD, r)));
        if (r.nextBoolean()) {
            fields.add("\"event_time\":" + (r.nextInt(3) == 0 ? "null" : "\"2026-11-24T10:15:29Z\""));
        }
        if (r.nextBoolean()) {
            fields.add("\"received_at\":\"2026-11-24T10:15:31Z\"");
        }
        if (r.nextBoolean()) {
            fields.add("\"host\":\"host-" + r.nextInt(9) + "\"");
        }
        if (r.nextInt(4) == 0) {
            fields.add("\"late\":" + r.nextBoolean());
        }
        Collections.shuffle(fields, r);
        return ("{" + String.join(",", fields) + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A value for the schema, with fields in any order, defaults left out, extras, and now and then a wrong one. */
    private static String json(Schema s, Random r) {
        if (r.nextInt(150) == 0) {
            return List.of("\"wrong\"", "12.5", "true", "{}", "[]", "null", "9223372036854775808").get(r.nextInt(7));
        }
        return switch (s.getType()) {
            case RECORD -> {
                List<String> parts = new ArrayList<>();
                for (Schema.Field f : s.getFields()) {
                    boolean map = f.schema().getType() == Schema.Type.MAP;  // maps take the general way
                    if (f.hasDefaultValue() ? r.nextInt(map ? 8 : 3) != 1 : r.nextInt(200) == 0) {
                        continue;
                    }
                    parts.add("\"" + f.name() + "\":" + json(f.schema(), r));
                }
                if (r.nextInt(8) == 0) {
                    parts.add("\"extra\":{\"a\":[1,{\"b\":null}]}");
                }
                if (r.nextInt(20) == 0 && !parts.isEmpty()) {
                    parts.add(parts.get(r.nextInt(parts.size())).replaceFirst(":.*", ":") + json(s, r).length());
                }
                if (r.nextBoolean()) {
                    Collections.shuffle(parts, r);
                }
                yield "{" + String.join(",", parts) + "}";
            }
            case UNION -> json(s.getTypes().get(r.nextInt(s.getTypes().size())), r);
            case ARRAY -> {
                List<String> items = new ArrayList<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    items.add(json(s.getElementType(), r));
                }
                yield "[" + String.join(",", items) + "]";
            }
            case MAP -> r.nextBoolean() ? "{}" : "{\"k\":" + json(s.getValueType(), r) + "}";
            case STRING, BYTES -> "\"" + STRINGS[r.nextInt(STRINGS.length)] + "\"";
            case INT -> String.valueOf(r.nextInt(5) == 0 ? r.nextInt() : r.nextInt(100) - 50);
            case LONG -> String.valueOf(r.nextInt(3) == 0 ? r.nextLong() : r.nextInt(1000));
            case FLOAT, DOUBLE -> r.nextBoolean() ? String.valueOf(r.nextInt(10))  // an integer for a number
                    : String.valueOf(r.nextDouble() * 1e6);
            case BOOLEAN -> String.valueOf(r.nextBoolean());
            case ENUM -> "\"" + List.of("A", "B", "C", "D").get(r.nextInt(4)) + "\"";
            case NULL -> "null";
            default -> throw new IllegalArgumentException(s.getType().toString());
        };
    }
}
