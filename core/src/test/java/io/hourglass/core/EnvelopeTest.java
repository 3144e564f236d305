package io.hourglass.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
    private static final String ID = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";

    @Test
    void parsesAndWritesTheHostLogLineFormat() {
        String line = "{\"id\":\"" + ID + "\",\"type\":\"UserLogin\",\"version\":2,"
                + "\"event_time\":\"2026-01-01T09:59:58Z\",\"logged_at\":1767261599000,\"payload\":{\"a\":1}}";
        Envelope e = Envelope.parse(line.getBytes(StandardCharsets.UTF_8));
        assertThat(e.id()).isEqualTo(ID);
        assertThat(e.version()).isEqualTo(2);
        assertThat(e.loggedAt()).isEqualTo(Instant.ofEpochMilli(1767261599000L));
        assertThat(e.hour()).isEqualTo(Instant.parse("2026-01-01T09:00:00Z"));
        assertThat(Envelope.parse(e.toBytes())).isEqualTo(e);
    }

    @Test
    void theHeaderIsReadWithoutThePayloadAndAgreesWithTheFullParse() {
        Envelope e = new Envelope(ID, "UserLogin", 3, null, Instant.parse("2026-01-01T09:59:59.125Z"),
                Instant.parse("2026-01-01T10:00:01Z"), "web-1", false,
                (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.createObjectNode()
                        .set("nested", Json.MAPPER.createObjectNode().put("id", "not-the-event-id")));
        EnvelopeHeader h = EnvelopeHeader.parse(e.toBytes());
        assertThat(h).isEqualTo(new EnvelopeHeader(ID, 3, e.loggedAt(), e.receivedAt(), "web-1"));
        assertThat(h.hour()).isEqualTo(e.hour());
        assertThatThrownBy(() -> EnvelopeHeader.parse("{\"id\":".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidEventException.class);
        assertThatThrownBy(() -> EnvelopeHeader.parse("{\"payload\":{}}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("needs 'id' and 'logged_at'");
    }

    @Test
    void theBinaryKafkaHeaderRoundTripsAndRefusesDamage() {
        EnvelopeHeader full = new EnvelopeHeader(ID, 4, Instant.parse("2026-01-01T09:59:59.123456789Z"),
                Instant.parse("2026-01-01T10:00:01Z"), "web-1 \u00e9");
        EnvelopeHeader bare = new EnvelopeHeader(ID, 1, Instant.parse("2026-01-01T09:00:00Z"), null, null);
        assertThat(EnvelopeHeader.fromKafkaHeader(ID, full.toKafkaHeader())).contains(full);
        assertThat(EnvelopeHeader.fromKafkaHeader(ID, bare.toKafkaHeader())).contains(bare);
        byte[] damaged = full.toKafkaHeader();
        damaged[damaged.length - 12] = 0x7f;  // the host's length
        assertThat(EnvelopeHeader.fromKafkaHeader(ID, damaged)).isEmpty();
        assertThat(EnvelopeHeader.fromKafkaHeader(ID, new byte[] {9, 9, 9})).isEmpty();
        assertThat(EnvelopeHeader.fromKafkaHeader(null, full.toKafkaHeader())).isEmpty();
        byte[] otherFormat = full.toKafkaHeader();
        otherFormat[0] = 2;
        assertThat(EnvelopeHeader.fromKafkaHeader(ID, otherFormat)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "not json at all|malformed_json",
        "[1,2]|malformed_json",
        "{\"type\":\"T\",\"version\":1,\"logged_at\":1,\"payload\":{}}|missing_field",
        "{\"id\":\"nope\",\"type\":\"T\",\"version\":1,\"logged_at\":1,\"payload\":{}}|invalid_field",
        "{\"id\":\"" + ID + "\",\"type\":\"T\",\"version\":0,\"logged_at\":1,\"payload\":{}}|invalid_field",
        "{\"id\":\"" + ID + "\",\"type\":\"T\",\"version\":1,\"logged_at\":\"yesterday\",\"payload\":{}}|invalid_field",
        "{\"id\":\"" + ID + "\",\"type\":\"T\",\"version\":1,\"logged_at\":1,\"payload\":[]}|invalid_field",
        "{\"id\":\"" + ID + "\",\"type\":7,\"version\":1,\"logged_at\":1,\"payload\":{}}|invalid_field",
    })
    void garbageIsRejectedWithAReasonCode(String line, String code) {
        assertThatThrownBy(() -> Envelope.parse(line.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> assertThat(e.reasonCode()).isEqualTo(code));
    }
}
