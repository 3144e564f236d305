package io.hourglass.completionist;

import io.hourglass.core.control.Marker;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the markers of one hour tell the completionist: which hosts marked it, which of them only for a file removed
 * before it was all sent, and the highest offset they name in each partition. Kept instead of the markers, which
 * name every type a host logs: about 2 KB a host and hour, gigabytes at tens of thousands of hosts. Not thread-safe:
 * the ledger's, which hands out {@link #snapshot}s.
 */
final class HourMarks {
    private final Set<String> hosts;
    /** Hosts that marked the hour in full at least once: a full resend vouches for a removed file's hour. */
    private final Set<String> sentInFull;
    private final Map<String, Map<Integer, Long>> offsets;

    HourMarks() {
        this(new HashSet<>(), new HashSet<>(), new HashMap<>());
    }

    private HourMarks(Set<String> hosts, Set<String> sentInFull, Map<String, Map<Integer, Long>> offsets) {
        this.hosts = hosts;
        this.sentInFull = sentInFull;
        this.offsets = offsets;
    }

    /** Takes a marker of the hour; {@code host} is its host's name, shared with the ledger's other records of it. */
    void add(String host, Marker m) {
        hosts.add(host);
        if (!m.fileRemoved()) {
            sentInFull.add(host);
        }
        m.offsets().forEach((topic, parts) -> {
            Map<Integer, Long> highest = offsets.computeIfAbsent(topic, t -> new TreeMap<>());
            parts.forEach((p, o) -> highest.merge(p, o, Math::max));
        });
    }

    /** A copy that the ledger's later records do not change. */
    HourMarks snapshot() {
        Map<String, Map<Integer, Long>> copy = new HashMap<>();
        offsets.forEach((topic, parts) -> copy.put(topic, Map.copyOf(parts)));
        return new HourMarks(Set.copyOf(hosts), Set.copyOf(sentInFull), copy);
    }

    boolean marked(String host) {
        return hosts.contains(host);
    }

    Set<String> hosts() {
        return hosts;
    }

    /** Hosts whose every marker of the hour was for a file removed before it was all sent, sorted. */
    List<String> removed() {
        return hosts.stream().filter(h -> !sentInFull.contains(h)).sorted().toList();
    }

    /** The highest offset the hour's markers name in each partition of {@code topic}. */
    Map<Integer, Long> offsets(String topic) {
        return offsets.getOrDefault(topic, Map.of());
    }
}
