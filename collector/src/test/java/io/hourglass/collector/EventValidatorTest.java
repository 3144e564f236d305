package io.hourglass.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.core.BodyParser;
import io.hourglass.core.InvalidEventException;
import io.hourglass.core.Json;
import io.hourglass.core.avro.AvroBuffer;
import io.hourglass.core.avro.AvroBytes;
import io.hourglass.core.registry.EventType;
import io.hourglass.core.registry.Owner;
import io.hourglass.core.registry.PayloadConverter;
import io.hourglass.core.registry.Registry;
import io.hourglass.core.registry.Sink;
import io.hourglass.core.registry.Tier;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What goes to Kafka is the payload in Avro, whichever way the collector had to take to encode it. */
class EventValidatorTest {
    private static final Schema PLAY = new Schema.Parser().parse("""
            {"type":"record","name":"Play","fields":[{"name":"track","type":"string"},
             {"name":"ms","type":"long","default":0},{"name":"tags","type":{"type":"map","values":"string"},
             "default":{}}]}""");
    /** A double takes 8 bytes in Avro, and {@code 0,} in JSON 2. */
    private static final Schema SAMPLES = new Schema.Parser().parse("""
            {"type":"record","name":"Samples","fields":[{"name":"values","type":{"type":"array","items":"double"}}]}
            """);
    private static final Registry REGISTRY = new Registry(Map.of("Play", type("Play", PLAY), "Samples",
            type("Samples", SAMPLES)));
    private final EventValidator validator = new EventValidator(() -> REGISTRY, 10_000);

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"track\":\"t1\",\"ms\":300}",
        "{\"ms\":300,\"track\":\"t1\"}",
        "{\"track\":\"t1\"}",
        "{\"track\":\"t1\",\"tags\":{\"mood\":\"calm\",\"from\":\"radio\"},\"ms\":-5}",
        "{\"track\":\"say \\\"hi\\\"\\n\\u00e9 \\ud83c\\udfb5 \\/ \u4e2d\",\"ms\":1}",
        "{\"tr\\u0061ck\":\"t1\",\"tags\":{\"\\u00e9\":\"\\t\"}}"})
    void thePayloadGoesToKafkaAsAvro(String payload) throws IOException {
        // The event as a line in the middle of a request body, which the collector does not copy out.
        byte[] before = "{\"a line\":\"before\"}\n".getBytes(StandardCharsets.UTF_8);
        byte[] line = event(payload);
        byte[] body = ByteBuffer.allocate(before.length + line.length + 2).put(before).put(line).put("\n{".getBytes(
                StandardCharsets.UTF_8)).array();
        byte[] avro = validator.validate(new BodyParser(body, body.length), before.length, before.length + line.length,
                new AvroBuffer(8)).payload().toByteArray();
        GenericData.Record read = new GenericDatumReader<GenericData.Record>(PLAY)
                .read(null, DecoderFactory.get().binaryDecoder(avro, null));
        GenericData.Record expected = PayloadConverter.toRecord(Json.MAPPER.readTree(payload), PLAY);
        // As JSON trees: a map's entries come in no set order.
        assertThat(Json.MAPPER.readTree(read.toString())).isEqualTo(Json.MAPPER.readTree(expected.toString()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"ms\":300}", "{\"track\":\"t1\",\"extra\":1}", "{\"track\":7}",
        "{\"track\":\"t1\",\"tags\":{\"n\":1}}"})
    void aPayloadOutsideTheSchemaIsRefusedWithItsReason(String payload) {
        assertThatThrownBy(() -> validator.validate(new BodyParser(event(payload), event(payload).length), 0,
                event(payload).length, new AvroBuffer(8)))
                .isInstanceOf(InvalidEventException.class).hasMessageStartingWith("payload.")
                .satisfies(e -> assertThat(((InvalidEventException) e).reasonCode()).isEqualTo("schema_mismatch"));
    }

    @Test
    void aPayloadLargerInAvroThanTheLimitIsOversizeThoughItsJsonIsWithin() throws IOException {
        int limit = 10_000;
        EventValidator small = new EventValidator(() -> REGISTRY, limit);
        int most = 0;
        while (avroBytes(most + 1) <= limit) {
            most++;
        }
        byte[] fits = event("Samples", doubles(most));
        byte[] over = event("Samples", doubles(most + 1));
        assertThat(over.length).isLessThan(limit / 2);

        assertThat(small.validate(new BodyParser(fits, fits.length), 0, fits.length, new AvroBuffer(8)).payload()
                .size()).isEqualTo(avroBytes(most));
        assertThatThrownBy(() -> small.validate(new BodyParser(over, over.length), 0, over.length, new AvroBuffer(8)))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("Avro")
                .hasMessageContaining(String.valueOf(avroBytes(most + 1)))
                .satisfies(e -> assertThat(((InvalidEventException) e).reasonCode()).isEqualTo("oversize"));
    }

    @Test
    void anUnknownTypeOrVersionIsRefusedWithItsReason() {
        assertThat(reason(event("Nope", 1, "{\"track\":\"t1\"}"))).isEqualTo("unknown_type");
        assertThat(reason(event("Play", 2, "{\"track\":\"t1\"}"))).isEqualTo("unknown_version");
        assertThat(reason(event("Play", 1, "{\"track\":\"t1\"}"))).isNull();
    }

    /** Encoders are kept per registry: one that changed a version's schema (as in a test bed) is followed at once. */
    @Test
    void aNewRegistryTakesEffectFromTheNextEvent() {
        Schema trackOnly = new Schema.Parser().parse("""
                {"type":"record","name":"Play","fields":[{"name":"track","type":"string"}]}""");
        Schema withDevice = new Schema.Parser().parse("""
                {"type":"record","name":"Play","fields":[{"name":"track","type":"string"},
                 {"name":"device","type":"string","default":"phone"}]}""");
        AtomicReference<Registry> current = new AtomicReference<>(REGISTRY);
        EventValidator changing = new EventValidator(current::get, 10_000);
        byte[] withMs = event("Play", 1, "{\"track\":\"t1\",\"ms\":5}");
        byte[] v2 = event("Play", 2, "{\"track\":\"t1\",\"device\":\"tv\"}");
        assertThat(reason(changing, withMs)).isNull();
        assertThat(reason(changing, v2)).isEqualTo("unknown_version");

        EventType play = type("Play", trackOnly);
        current.set(new Registry(Map.of("Play", new EventType("Play", play.owner(), false, Tier.NORMAL, "default",
                Set.of(Sink.LAKE), new TreeMap<>(Map.of(1, trackOnly, 2, withDevice)), List.of(), Duration.ofHours(2),
                0))));
        assertThat(reason(changing, withMs)).isEqualTo("schema_mismatch");
        assertThat(reason(changing, v2)).isNull();
    }

    /** The reason the validator refuses the event for, or null when it takes it. */
    private String reason(byte[] event) {
        return reason(validator, event);
    }

    private static String reason(EventValidator v, byte[] event) {
        try {
            v.validate(new BodyParser(event, event.length), 0, event.length, new AvroBuffer(8));
            return null;
        } catch (InvalidEventException e) {
            return e.reasonCode();
        }
    }

    private static int avroBytes(int doubles) throws IOException {
        GenericData.Record r = new GenericData.Record(SAMPLES);
        r.put("values", java.util.Collections.nCopies(doubles, 0.0));
        return AvroBytes.of(SAMPLES, r).length;
    }

    private static String doubles(int n) {
        return "{\"values\":[" + String.join(",", java.util.Collections.nCopies(n, "0")) + "]}";
    }

    private static EventType type(String name, Schema schema) {
        return new EventType(name, new Owner("team", "team@example.com"), false, Tier.NORMAL, "default",
                Set.of(Sink.LAKE), new TreeMap<>(Map.of(1, schema)), List.of(), Duration.ofHours(2), 0);
    }

    private static byte[] event(String payload) {
        return event("Play", payload);
    }

    private static byte[] event(String type, String payload) {
        return event(type, 1, payload);
    }

    private static byte[] event(String type, int version, String payload) {
        return ("{\"id\":\"6f1c1a9e-3b7e-4c39-9a8e-1d2f3a4b5c6d\",\"type\":\"" + type + "\","
                + "\"version\":" + version + ",\"logged_at\":\"2026-11-24T10:00:00Z\",\"payload\":" + payload + "}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
