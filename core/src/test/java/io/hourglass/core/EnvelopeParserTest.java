package io.hourglass.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonToken;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnvelopeParserTest {
    private static final String ID = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";

    /** Collects the payload's field names, or rejects a payload that has a field "bad". */
    private static final EnvelopeParser.PayloadReader<List<String>> NAMES = (p, type, version) -> {
        List<String> names = new ArrayList<>();
        names.add(type + "/" + version);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            if (p.currentName().equals("bad")) {
                throw new InvalidEventException("schema_mismatch", "payload.bad: rejected");
            }
            names.add(p.currentName());
            p.nextToken();
            p.skipChildren();
        }
        return names;
    };

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void thePayloadIsReadInPlaceWithTheFieldsAroundIt() {
        var e = EnvelopeParser.parse(bytes("{\"id\":\"" + ID + "\",\"type\":\"T\",\"version\":2,\"logged_at\":"
                + "\"2026-01-01T09:59:59.5Z\",\"payload\":{\"a\":{\"deep\":[1,{\"b\":2}]},\"c\":3},"
                + "\"received_at\":1767261600000,\"host\":\"web-1\",\"late\":true}"), NAMES);
        assertThat(e.payload()).containsExactly("T/2", "a", "c");
        assertThat(e.loggedAt()).isEqualTo(Instant.parse("2026-01-01T09:59:59.5Z"));
        assertThat(e.receivedAt()).isEqualTo(Instant.ofEpochMilli(1767261600000L));
        assertThat(e.host()).isEqualTo("web-1");
        assertThat(e.late()).isTrue();
        assertThat(e.hour()).isEqualTo(Instant.parse("2026-01-01T09:00:00Z"));
    }

    @Test
    void aPayloadBeforeItsTypeAndVersionIsReadAtTheEnd() {
        var e = EnvelopeParser.parse(bytes("{\"payload\":{\"x\":1,\"y\":[2]},\"logged_at\":1,\"version\":3,"
                + "\"id\":\"" + ID + "\",\"type\":\"Late\"}"), NAMES);
        assertThat(e.payload()).containsExactly("Late/3", "x", "y");
    }

    @Test
    void envelopeErrorsComeBeforeThePayloadReadersAndTheRestIsStillRead() {
        String badPayload = "\"payload\":{\"a\":1,\"bad\":{\"x\":[1,2]},\"c\":3}";
        assertThatThrownBy(() -> EnvelopeParser.parse(bytes("{\"id\":\"" + ID + "\",\"type\":\"T\",\"version\":1,"
                + badPayload + ",\"logged_at\":\"yesterday\"}"), NAMES))
                .hasMessageContaining("field 'logged_at' must be an ISO-8601");
        assertThatThrownBy(() -> EnvelopeParser.parse(bytes("{\"id\":\"" + ID + "\",\"type\":\"T\",\"version\":1,"
                + badPayload + ",\"logged_at\":5}"), NAMES))
                .hasMessageContaining("payload.bad: rejected");
        assertThatThrownBy(() -> EnvelopeParser.parse(bytes("{\"id\":\"" + ID + "\",\"type\":\"T\",\"version\":1,"
                + badPayload + ",\"logged_at\":5,\"host\":"), NAMES))
                .isInstanceOfSatisfying(InvalidEventException.class,
                        ex -> assertThat(ex.reasonCode()).isEqualTo("malformed_json"));
    }

    @Test
    void garbageNeverEscapesAsAnythingButAnInvalidEvent() {
        String[] lines = {"", "   ", "{", "}", "null", "\"x\"", "{\"id\":}", "{\"payload\":{\"a\":", "\u0000\u0001",
            "{\"id\":\"" + ID + "\",\"type\":\"T\",\"version\":99999999999,\"logged_at\":1,\"payload\":{}}",
            "{\"id\":\"" + ID + "\",\"type\":\"T\",\"version\":1,\"logged_at\":1e400,\"payload\":{}}",
            "{\"id\":\"" + ID + "\",\"type\":\"T\",\"version\":1,\"logged_at\":99999999999999999999,\"payload\":{}}"};
        for (String line : lines) {
            assertThatThrownBy(() -> EnvelopeParser.parse(bytes(line), NAMES)).as(line)
                    .isInstanceOf(InvalidEventException.class);
        }
    }
}
