package io.hourglass.completionist;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** What the completionist knows about one host from its heartbeats. */
final class HostView {
    private final String host;
    /** Latest heartbeat seen in each hour. */
    private final Map<Instant, Instant> latestByHour = new HashMap<>();
    private Instant lastSeen = Instant.EPOCH;
    private Instant watermark = Instant.EPOCH;
    /** Where in the ledger's reading the latest heartbeat came. */
    private long watermarkRead = -1;

    HostView(String host) {
        this.host = host;
    }

    void heartbeat(Instant sentAt, Instant hour, Instant newWatermark, long read) {
        latestByHour.merge(hour, sentAt, (a, b) -> a.isAfter(b) ? a : b);
        if (sentAt.isAfter(lastSeen)) {
            lastSeen = sentAt;
            watermark = newWatermark;
            watermarkRead = read;
        }
    }

    void forgetBefore(Instant hour) {
        latestByHour.keySet().removeIf(h -> h.isBefore(hour));
    }

    String host() {
        return host;
    }

    /**
     * Whether this host may have logged during {@code hour}: it heartbeated during the hour, or its last heartbeat
     * before the hour is recent enough that it may still have been alive when the hour began.
     */
    boolean mayHaveLoggedIn(Instant hour, Duration timeout) {
        if (latestByHour.containsKey(hour)) {
            return true;
        }
        Instant before = latestByHour.get(hour.minus(Duration.ofHours(1)));
        return before != null && !before.isBefore(hour.minus(timeout));
    }

    Instant lastSeen() {
        return lastSeen;
    }

    Instant watermark() {
        return watermark;
    }

    long watermarkRead() {
        return watermarkRead;
    }

    /** Collectors act as hosts for their direct clients; their part of an hour is in Kafka once they are gone. */
    boolean isCollector() {
        return host.startsWith("collector-");
    }
}
