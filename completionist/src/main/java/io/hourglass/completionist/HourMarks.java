package io.hourglass.completionist;

import com.carrotsearch.hppc.ObjectByteHashMap;
import com.carrotsearch.hppc.cursors.ObjectByteCursor;
import io.hourglass.core.control.Marker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the markers of one hour tell the completionist: which hosts marked it, which of them only for a file removed
 * before it was all sent, and the highest offset they name in each partition. Kept instead of the markers, which
 * name every type a host logs: about 2 KB a host and hour, gigabytes at tens of thousands of hosts. Not thread-safe:
 * the ledger's, which hands out {@link #snapshot}s.
 */
final class HourMarks {
    private static final byte ONLY_REMOVED_FILES = 0;
    private static final byte SENT_IN_FULL = 1;

    /**
     * Each host that marked the hour, and whether it marked it in full at least once: a full resend vouches for a
     * removed file's hour. A map of primitives, as two sets of names took 81 bytes a host, 120 MB for a day of 60,000
     * hosts, and a snapshot copies two arrays instead of hashing every name again.
     */
    private final ObjectByteHashMap<String> hosts;
    private final Map<String, Map<Integer, Long>> offsets;

    HourMarks() {
        this(new ObjectByteHashMap<>(), new HashMap<>());
    }

    private HourMarks(ObjectByteHashMap<String> hosts, Map<String, Map<Integer, Long>> offsets) {
        this.hosts = hosts;
        this.offsets = offsets;
    }

    /** Takes a marker of the hour; {@code host} is its host's name, shared with the ledger's other records of it. */
    void add(String host, Marker m) {
        byte sent = m.fileRemoved() ? ONLY_REMOVED_FILES : SENT_IN_FULL;
        int i = hosts.indexOf(host);
        if (!hosts.indexExists(i)) {
            hosts.indexInsert(i, host, sent);
        } else if (sent == SENT_IN_FULL) {
            hosts.indexReplace(i, SENT_IN_FULL);
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
        return new HourMarks(hosts.clone(), copy);
    }

    boolean marked(String host) {
        return hosts.containsKey(host);
    }

    /** The hosts that marked the hour, in no order. */
    List<String> hosts() {
        List<String> names = new ArrayList<>(hosts.size());
        for (ObjectByteCursor<String> c : hosts) {
            names.add(c.key);
        }
        return names;
    }

    /** Hosts whose every marker of the hour was for a file removed before it was all sent, sorted. */
    List<String> removed() {
        List<String> removed = new ArrayList<>();
        for (ObjectByteCursor<String> c : hosts) {
            if (c.value == ONLY_REMOVED_FILES) {
                removed.add(c.key);
            }
        }
        removed.sort(null);
        return removed;
    }

    /** The highest offset the hour's markers name in each partition of {@code topic}. */
    Map<Integer, Long> offsets(String topic) {
        return offsets.getOrDefault(topic, Map.of());
    }
}
