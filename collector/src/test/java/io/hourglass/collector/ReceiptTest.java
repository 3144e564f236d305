package io.hourglass.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.core.Envelope;
import io.hourglass.core.EnvelopeHeader;
import io.hourglass.core.EnvelopeParser;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReceiptTest {
    private static final Instant AT = Instant.parse("2026-11-23T10:15:30.123Z");

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"id\":\"6f1c1a9e-3b7e-4c39-9a8e-1d2f3a4b5c6d\",\"type\":\"T\",\"version\":1,"
                    + "\"logged_at\":\"2026-11-23T10:00:00Z\",\"payload\":{\"a\":\"}\"}}",
            "  {\"id\":\"6f1c1a9e-3b7e-4c39-9a8e-1d2f3a4b5c6d\",\"type\":\"T\",\"version\":2,"
                    + "\"logged_at\":1700000000000,\"late\":true,\"payload\":{} } \t",
            // Fields the collector sets itself are replaced, not duplicated.
            "{\"id\":\"6f1c1a9e-3b7e-4c39-9a8e-1d2f3a4b5c6d\",\"type\":\"T\",\"version\":1,\"host\":\"spoofed\","
                    + "\"logged_at\":\"2026-11-23T10:00:00Z\",\"received_at\":\"2020-01-01T00:00:00Z\","
                    + "\"payload\":{}}"})
    void theEnvelopeIsAsThisHostReceivedTheEvent(String text) {
        byte[] line = text.getBytes(StandardCharsets.UTF_8);
        Envelope received = Envelope.parse(line).received(AT, "web-1 \"quoted\"");

        EnvelopeParser.Parsed<?> fields = EnvelopeParser.parse(line, (p, type, version) -> p.skipChildren());
        EnvelopeHeader stamped = new Receipt(AT, received.host()).envelope(fields);

        assertThat(stamped).isEqualTo(new EnvelopeHeader(received.id(), received.version(), received.eventTime(),
                received.loggedAt(), AT, received.host(), received.late()));
        // Writers read this instead of the event: it must agree with the event's own JSON as received.
        assertThat(stamped).isEqualTo(EnvelopeHeader.parse(received.toBytes()));
    }
}
