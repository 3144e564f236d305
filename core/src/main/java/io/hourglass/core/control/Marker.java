package io.hourglass.core.control;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * "Host {@code host} has sent everything it logged for {@code hour}: {@code counts} events per type, and they sit at
 * or below {@code offsets} (topic → partition → max offset)." With {@code fileRemoved}, the hour's log file was
 * removed before the agent had sent all of it: the counts are what was sent, and the host cannot vouch for the rest.
 */
public record Marker(
        String host,
        Instant hour,
        Map<String, Long> counts,
        Map<String, Map<Integer, Long>> offsets,
        long rejected,
        boolean fileRemoved,
        Instant createdAt) implements HostSignal {

    public Marker {
        requireNonNull(host, "host is null");
        requireNonNull(hour, "hour is null");
        counts = Map.copyOf(counts);
        Map<String, Map<Integer, Long>> copy = new TreeMap<>();
        offsets.forEach((topic, parts) -> copy.put(topic, Map.copyOf(parts)));
        offsets = Map.copyOf(copy);
        requireNonNull(createdAt, "createdAt is null");
    }
}
