package io.hourglass.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.core.InvalidEventException;
import io.hourglass.core.Json;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;

class PayloadConverterTest {
    private static final Schema V1 = new Schema.Parser().parse("""
            {"type":"record","name":"R","fields":[
              {"name":"user","type":"string"},
              {"name":"n","type":"int"},
              {"name":"tags","type":{"type":"array","items":"string"}},
              {"name":"kind","type":{"type":"enum","name":"K","symbols":["A","B"]}},
              {"name":"note","type":["null","string"],"default":null}]}""");
    private static final Schema V2 = new Schema.Parser().parse("""
            {"type":"record","name":"R","fields":[
              {"name":"user","type":"string"},
              {"name":"n","type":"int"},
              {"name":"region","type":"string","default":"eu"}]}""");

    @Test
    void validPayloadConvertsWithDefaultsForMissingOptionalFields() throws Exception {
        var payload = Json.MAPPER.readTree("{\"user\":\"u\",\"n\":3,\"tags\":[\"x\"],\"kind\":\"B\"}");
        GenericData.Record r = PayloadConverter.toRecord(payload, V1);
        assertThat(r.get("user")).isEqualTo("u");
        assertThat(r.get("n")).isEqualTo(3);
        assertThat(r.get("note")).isNull();
        assertThat(GenericData.get().validate(V1, r)).isTrue();
    }

    @Test
    void strictValidationNamesThePathOfTheMismatch() throws Exception {
        assertThatThrownBy(() -> PayloadConverter.validate(
                Json.MAPPER.readTree("{\"user\":\"u\",\"n\":\"3\",\"tags\":[],\"kind\":\"A\"}"), V1))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("payload.n: expected a 32-bit integer");
        assertThatThrownBy(() -> PayloadConverter.validate(
                Json.MAPPER.readTree("{\"user\":\"u\",\"n\":1,\"tags\":[2],\"kind\":\"A\"}"), V1))
                .hasMessageContaining("payload.tags[0]");
        assertThatThrownBy(() -> PayloadConverter.validate(
                Json.MAPPER.readTree("{\"user\":\"u\",\"n\":1,\"tags\":[],\"kind\":\"Z\"}"), V1))
                .hasMessageContaining("payload.kind: expected one of [A, B]");
        assertThatThrownBy(() -> PayloadConverter.validate(
                Json.MAPPER.readTree("{\"user\":\"u\",\"n\":1,\"tags\":[],\"kind\":\"A\",\"extra\":1}"), V1))
                .hasMessageContaining("payload.extra: field is not in schema");
        assertThatThrownBy(() -> PayloadConverter.validate(Json.MAPPER.readTree("{\"n\":1}"), V2))
                .hasMessageContaining("payload.user: required field is missing");
    }

    @Test
    void olderPayloadIsReadIntoANewerVersionLikeAvroSchemaResolution() throws Exception {
        var v1Payload = Json.MAPPER.readTree("{\"user\":\"u\",\"n\":3,\"tags\":[],\"kind\":\"A\"}");
        GenericData.Record r = PayloadConverter.toRecord(v1Payload, V2);
        assertThat(r.get("region")).hasToString("eu");
        assertThat(r.get("n")).isEqualTo(3);
    }
}
