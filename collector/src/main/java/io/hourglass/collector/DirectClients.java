package io.hourglass.collector;

import io.hourglass.core.Hours;
import io.hourglass.core.control.Heartbeat;
import io.hourglass.core.control.Marker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The collector acts as the host of clients that post directly, without an agent: it remembers what it acknowledged
 * per hour and marks each hour once its grace period is over.
 */
final class DirectClients {
    private final String host;
    private final Duration grace;
    private final TreeMap<Instant, HourTally> open = new TreeMap<>();

    DirectClients(String host, Duration grace) {
        this.host = host;
        this.grace = grace;
    }

    synchronized void acknowledged(Instant hour, String type, String topic, int partition, long offset) {
        open.computeIfAbsent(hour, h -> new HourTally()).add(type, topic, partition, offset);
    }

    /** Markers for every hour whose grace period is over; they must be published before {@link #heartbeat}. */
    synchronized List<Marker> dueMarkers(Instant now) {
        Instant sealable = Hours.hourOf(now.minus(grace));
        List<Marker> due = new ArrayList<>();
        while (!open.isEmpty() && open.firstKey().isBefore(sealable)) {
            var e = open.pollFirstEntry();
            due.add(new Marker(host, e.getKey(), e.getValue().counts, e.getValue().offsets, 0, false, now));
        }
        return due;
    }

    /** Puts markers back when they could not be published, so they are sent on the next tick. */
    synchronized void unpublished(List<Marker> markers) {
        for (Marker m : markers) {
            HourTally t = open.computeIfAbsent(m.hour(), h -> new HourTally());
            m.counts().forEach((type, n) -> t.counts.merge(type, n, Long::sum));
            m.offsets().forEach((topic, parts) -> parts.forEach((p, o) -> t.offset(topic, p, o)));
        }
    }

    synchronized Heartbeat heartbeat(Instant now) {
        Instant watermark = Hours.hourOf(now.minus(grace));
        if (!open.isEmpty() && open.firstKey().isBefore(watermark)) {
            watermark = open.firstKey();
        }
        return new Heartbeat(host, now, watermark);
    }

    private static final class HourTally {
        final Map<String, Long> counts = new HashMap<>();
        final Map<String, Map<Integer, Long>> offsets = new HashMap<>();

        void add(String type, String topic, int partition, long offset) {
            counts.merge(type, 1L, Long::sum);
            offset(topic, partition, offset);
        }

        void offset(String topic, int partition, long offset) {
            offsets.computeIfAbsent(topic, t -> new HashMap<>()).merge(partition, offset, Math::max);
        }
    }
}
