package io.hourglass.collector;

import io.hourglass.core.Envelope;
import io.hourglass.core.EnvelopeHeader;
import io.hourglass.core.EnvelopeParser;
import io.hourglass.core.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Stamps events with when and from which host the collector received them. A validated line that has neither field
 * gets them spliced in before its closing brace, so the event is not serialized again; any other line is written
 * out from its parsed form.
 */
final class Receipt {
    private final Instant at;
    private final String host;
    private final byte[] fields;

    Receipt(Instant at, String host) {
        this.at = at;
        this.host = host;
        this.fields = (",\"received_at\":\"" + at + "\",\"host\":" + Json.toString(host) + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The envelope's fields as stamped, for the Kafka record header that spares writers parsing the JSON. */
    byte[] header(EnvelopeParser.Parsed<?> parsed) {
        return new EnvelopeHeader(parsed.id(), parsed.version(), parsed.loggedAt(), at, host).toKafkaHeader();
    }

    /** The event as it goes to Kafka. {@code line} must be the raw form of {@code parsed}. */
    byte[] stamp(byte[] line, EnvelopeParser.Parsed<?> parsed) {
        int close = line.length - 1;
        while (close >= 0 && line[close] != '}') {
            close--;  // only whitespace can follow the object: the line parsed as one
        }
        if (parsed.receivedAt() != null || parsed.host() != null || close < 0) {
            return Envelope.parse(line).received(at, host).toBytes();
        }
        byte[] out = new byte[close + fields.length];
        System.arraycopy(line, 0, out, 0, close);
        System.arraycopy(fields, 0, out, close, fields.length);
        return out;
    }
}
