package io.hourglass.collector;

import io.hourglass.core.EnvelopeHeader;
import io.hourglass.core.EnvelopeParser;
import java.time.Instant;

/**
 * When and from which host the collector received a batch: stamped on each of its events, in place of any
 * {@code received_at} or {@code host} the sender put in them.
 */
final class Receipt {
    private final Instant at;
    private final String host;

    Receipt(Instant at, String host) {
        this.at = at;
        this.host = host;
    }

    /** The event's envelope as stamped. */
    EnvelopeHeader envelope(EnvelopeParser.Parsed<?> parsed) {
        return new EnvelopeHeader(parsed.id(), parsed.version(), parsed.eventTime(), parsed.loggedAt(), at, host,
                parsed.late());
    }
}
