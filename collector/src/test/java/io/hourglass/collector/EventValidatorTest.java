package io.hourglass.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.core.BodyParser;
import io.hourglass.core.InvalidEventException;
import io.hourglass.core.Json;
import io.hourglass.core.avro.AvroBuffer;
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
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What goes to Kafka is the payload in Avro, whichever way the collector had to take to encode it. */
class EventValidatorTest {
    private static final Schema PLAY = new Schema.Parser().parse("""
            {"type":"record","name":"Play","fields":[{"name":"track","type":"string"},
             {"name":"ms","type":"long","default":0},{"name":"tags","type":{"type":"map","values":"string"},
             "default":{}}]}""");
    private static final Registry REGISTRY = new Registry(Map.of("Play", new EventType("Play",
            new Owner("team", "team@example.com"), false, Tier.NORMAL, "default", Set.of(Sink.LAKE),
            new TreeMap<>(Map.of(1, PLAY)), List.of(), Duration.ofHours(2), 0)));
    private final EventValidator validator = new EventValidator(() -> REGISTRY, 10_000);

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"track\":\"t1\",\"ms\":300}",
        "{\"ms\":300,\"track\":\"t1\"}",
        "{\"track\":\"t1\"}",
        "{\"track\":\"t1\",\"tags\":{\"mood\":\"calm\",\"from\":\"radio\"},\"ms\":-5}"})
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

    private static byte[] event(String payload) {
        return ("{\"id\":\"6f1c1a9e-3b7e-4c39-9a8e-1d2f3a4b5c6d\",\"type\":\"Play\",\"version\":1,"
                + "\"logged_at\":\"2026-11-24T10:00:00Z\",\"payload\":" + payload + "}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
