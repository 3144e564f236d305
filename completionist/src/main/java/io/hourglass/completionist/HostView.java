package io.hourglass.completionist;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/** What the completionist knows about one host from its heartbeats. */
final class HostView {
    private final String host;
    private final Set<Instant> heartbeatHours = new HashSet<>();
    private Instant lastSeen = Instant.EPOCH;
    private Instant watermark = Instant.EPOCH;

    HostView(String host) {
        this.host = host;
    }

    void heartbeat(Instant sentAt, Instant hour, Instant newWatermark) {
        heartbeatHours.add(hour);
        if (sentAt.isAfter(lastSeen)) {
            lastSeen = sentAt;
            watermark = newWatermark;
        }
    }

    String host() {
        return host;
    }

    boolean heartbeatIn(Instant hour) {
        return heartbeatHours.contains(hour);
    }

    Instant lastSeen() {
        return lastSeen;
    }

    Instant watermark() {
        return watermark;
    }

    /** Collectors act as hosts for their direct clients; their part of an hour is in Kafka once they are gone. */
    boolean isCollector() {
        return host.startsWith("collector-");
    }
}
