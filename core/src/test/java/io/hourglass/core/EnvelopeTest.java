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
        assertThat(h).isEqualTo(new EnvelopeHeader(ID, 3, null, e.loggedAt(), e.receivedAt(), "web-1", false));
        assertThat(h.hour()).isEqualTo(e.hour());
        assertThatThrownBy(() -> EnvelopeHeader.parse("{\"id\":".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidEventException.class);
        assertThatThrownBy(() -> EnvelopeHeader.parse("{\"payload\":{}}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("needs 'id' and 'logged_at'");
    }

    @Test
    void theBinaryKafkaHeaderRoundTripsAndRefusesDamage() {
        EnvelopeHeader full = new EnvelopeHeader(ID, 4, Instant.parse("2026-01-01T09:59:58.5Z"),
                Instant.parse("2026-01-01T09:59:59.123456789Z"), Instant.parse("2026-01-01T10:00:01Z"), "web-1 \u00e9",
                true);
        EnvelopeHeader bare = new EnvelopeHeader(ID, 1, null, Instant.parse("2026-01-01T09:00:00Z"), null, null, false);
        assertThat(EnvelopeHeader.fromKafkaHeader(ID, full.toKafkaHeader())).contains(full);
        assertThat(EnvelopeHeader.fromKafkaHeader(ID, bare.toKafkaHeader())).contains(bare);
        assertThat(EnvelopeHeader.valueIsAvro(full.toKafkaHeader())).isTrue();
        byte[] damaged = full.toKafkaHeader();
        damaged[damaged.length - 12] = 0x7f;  // the host's length
        assertThat(EnvelopeHeader.fromKafkaHeader(ID, damaged)).isEmpty();
        assertThat(EnvelopeHeader.fromKafkaHeader(ID, new byte[] {9, 9, 9})).isEmpty();
        assertThat(EnvelopeHeader.valueIsAvro(new byte[] {2, 9, 9})).isFalse();
        assertThat(EnvelopeHeader.fromKafkaHeader(null, full.toKafkaHeader())).isEmpty();
        byte[] otherFormat = full.toKafkaHeader();
        otherFormat[0] = 3;
        assertThat(EnvelopeHeader.fromKafkaHeader(ID, otherFormat)).isEmpty();
    }

    /** Collectors before format 2 sent the event as JSON with this shorter header; writers still read both. */
    @Test
    void theFormerHeaderOfJsonValuesIsStillRead() {
        byte[] host = "web-2".getBytes(StandardCharsets.UTF_8);
        Instant loggedAt = Instant.parse("2026-01-01T09:59:59.25Z");
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(34 + host.length);
        b.put((byte) 1).putInt(2).putLong(loggedAt.getEpochSecond()).putInt(loggedAt.getNano());
        b.put((byte) 0).putLong(0).putInt(0).putInt(host.length).put(host);
        assertThat(EnvelopeHeader.valueIsAvro(b.array())).isFalse();
        assertThat(EnvelopeHeader.fromKafkaHeader(ID, b.array()))
                .contains(new EnvelopeHeader(ID, 2, null, loggedAt, null, "web-2", false));
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
