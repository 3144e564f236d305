package io.hourglass.core.control;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * "Host {@code host} is alive at {@code sentAt}; every hour before {@code watermark} is sent, acknowledged and
 * marked." An hour before the watermark without a marker had no data from this host.
 */
public record Heartbeat(String host, Instant sentAt, Instant watermark) implements HostSignal {
    public Heartbeat {
        requireNonNull(host, "host is null");
        requireNonNull(sentAt, "sentAt is null");
        requireNonNull(watermark, "watermark is null");
    }
}
