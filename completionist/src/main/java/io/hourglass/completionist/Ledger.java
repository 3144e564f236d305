package io.hourglass.completionist;

import io.hourglass.core.Json;
import io.hourglass.core.control.Announcement;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.ClosedForm;
import io.hourglass.core.control.Finalized;
import io.hourglass.core.control.Heartbeat;
import io.hourglass.core.control.HostSignal;
import io.hourglass.core.control.HostSignals;
import io.hourglass.core.control.Marker;
import io.hourglass.core.control.Seal;
import io.hourglass.core.kafka.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Everything the completionist has read from the control topics: hosts, markers, seals, finalized partitions and
 * closed buckets. Rebuilt from Kafka at every start, so the completionist keeps no state of its own.
 */
final class Ledger {
    private final Map<String, HostView> hosts = new HashMap<>();
    private final Map<Instant, HourMarks> markers = new HashMap<>();
    private final Map<BucketId, Seal> seals = new HashMap<>();
    private final Map<BucketId, Map<Integer, Finalized>> finalized = new HashMap<>();
    private final Set<BucketId> closed = new HashSet<>();
    /** The host list of each hour's latest seal, for the next seals of the hour to share. */
    private final Map<Instant, List<String>> expectedByHour = new HashMap<>();
    private Instant firstHour;
    /** The oldest hour seen since the completionist last asked: a host may bring an hour older than its frontier. */
    private Instant oldestSeen;
    /** Records read so far, and how many had been read when each hour was first seen. */
    private long read;
    private final Map<Instant, Long> firstSeen = new HashMap<>();

    /**
     * Takes in a control record. Returns whether it may let a bucket be sealed or closed at once (a marker, a moved
     * watermark, a finalized partition), so that the completionist decides now rather than at its next tick.
     */
    synchronized boolean accept(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return false;
        }
        read++;
        switch (r.topic()) {
            case Topics.MARKERS -> {
                return signal(HostSignals.fromBytes(r.value()));
            }
            // A closed bucket needs no more than its name, which the key gives: values that name every host of
            // their hour are read only for open buckets. A closed form says that its bucket closed.
            case Topics.SEALS -> {
                Optional<BucketId> closedOne = closedOne(r);
                if (closedOne.isPresent()) {
                    seen(closedOne.get().hour());
                    return false;
                }
                Seal s = Json.fromBytes(r.value(), Seal.class);
                sealed(s);
                seen(s.hour());
                return false;
            }
            case Topics.FINALIZED -> {
                if (closedOne(r).isPresent()) {
                    return false;
                }
                finalized(Json.fromBytes(r.value(), Finalized.class));
                return true;
            }
            case Topics.BUCKETS -> {
                closed(BucketId.ofKey(r.key()).orElseGet(() -> Json.fromBytes(r.value(), Announcement.class).bucket()));
                return false;
            }
            default -> throw new IllegalArgumentException("unexpected topic " + r.topic());
        }
    }

    /** The bucket of a seal or finalized record, if it is closed: known so, or said so by a closed form. */
    private Optional<BucketId> closedOne(ConsumerRecord<String, byte[]> r) {
        Optional<BucketId> bucket = BucketId.ofKey(r.key());
        if (ClosedForm.isClosedForm(r.headers())) {
            BucketId b = bucket.orElseGet(() -> r.topic().equals(Topics.SEALS)
                    ? Json.fromBytes(r.value(), Seal.class).bucket()
                    : Json.fromBytes(r.value(), Finalized.class).bucket());
            closed(b);
            return Optional.of(b);
        }
        return bucket.filter(closed::contains);
    }

    /** A marker may seal a bucket, and so may a heartbeat whose watermark moved (once an hour); others wait. */
    private boolean signal(HostSignal s) {
        if (s instanceof Marker m) {
            HostView known = hosts.get(m.host());
            markers.computeIfAbsent(m.hour(), h -> new HourMarks()).add(known != null ? known.host() : m.host(), m);
            seen(m.hour());
            return true;
        }
        if (s instanceof Heartbeat hb) {
            HostView host = hosts.computeIfAbsent(hb.host(), HostView::new);
            Instant before = host.watermark();
            host.heartbeat(hb.sentAt(), hb.watermark(), read);
            seen(hb.watermark());
            return !host.watermark().equals(before);
        }
        return false;
    }

    private void seen(Instant hour) {
        firstSeen.putIfAbsent(hour, read);
        if (firstHour == null || hour.isBefore(firstHour)) {
            firstHour = hour;
        }
        if (oldestSeen == null || hour.isBefore(oldestSeen)) {
            oldestSeen = hour;
        }
    }

    /** The oldest hour of a marker, seal or host watermark read since the last call, if any was read. */
    synchronized Optional<Instant> takeOldestSeen() {
        Optional<Instant> oldest = Optional.ofNullable(oldestSeen);
        oldestSeen = null;
        return oldest;
    }

    /** Of an open bucket: a closed one needs nothing more, and its partitions name every host that sent to them. */
    synchronized void finalized(Finalized f) {
        if (!closed.contains(f.bucket())) {
            finalized.computeIfAbsent(f.bucket(), b -> new TreeMap<>()).put(f.partition(), f);
        }
    }

    /**
     * Of an open bucket. The seals of an hour made in one tick name the same hosts: they share one list, not a list
     * each, which at tens of thousands of hosts and hundreds of types was gigabytes.
     */
    synchronized void sealed(Seal s) {
        if (closed.contains(s.bucket())) {
            return;
        }
        List<String> shared = expectedByHour.get(s.hour());
        if (shared != null && shared != s.expectedHosts() && shared.equals(s.expectedHosts())) {
            s = new Seal(s.type(), s.hour(), s.offsets(), s.complete(), shared, s.missingHosts(), s.sealedAt());
        } else {
            expectedByHour.put(s.hour(), s.expectedHosts());
        }
        seals.put(s.bucket(), s);
    }

    /** A closed bucket is only a name from now on: its seal and finalized partitions are let go. */
    synchronized void closed(BucketId b) {
        closed.add(b);
        seals.remove(b);
        finalized.remove(b);
    }

    synchronized Optional<Instant> firstHour() {
        return Optional.ofNullable(firstHour);
    }

    /**
     * Whether the host is done with {@code hour} by its watermark: past the hour, in a heartbeat read after the hour
     * was first seen. A heartbeat from before then does not count: files of an older hour may have been put on the
     * host since (a backfill, a restore), and its agent had not seen them when it sent it. An hour no record named
     * (the clock jumped over it) is one no host had anything for. A host that marked the hour is done whatever its
     * watermark.
     */
    synchronized boolean doneByWatermark(HostView h, Instant hour) {
        return h.watermark().isAfter(hour) && h.watermarkRead() > firstSeen.getOrDefault(hour, -1L);
    }

    synchronized boolean isClosed(BucketId b) {
        return closed.contains(b);
    }

    synchronized Optional<Seal> seal(BucketId b) {
        return Optional.ofNullable(seals.get(b));
    }

    synchronized Map<Integer, Finalized> finalizedPartitions(BucketId b) {
        return Map.copyOf(finalized.getOrDefault(b, Map.of()));
    }

    /** What the hour's markers tell, as of now. A host may mark an hour twice (a resend): the seal covers both. */
    synchronized HourMarks marks(Instant hour) {
        HourMarks m = markers.get(hour);
        return m != null ? m.snapshot() : new HourMarks();
    }

    /**
     * Forgets what no open bucket can need: markers, seals, finalized partitions and heartbeat hours before
     * {@code before}, and hosts silent since then. Keeps a long-running completionist's memory flat.
     */
    synchronized void prune(Instant before) {
        pruneKeepingClosed(before);
        closed.removeIf(b -> b.hour().isBefore(before));
    }

    /**
     * As {@link #prune}, but every closed bucket stays known: while the control topics are read at start, records of
     * hours before {@code before} are still to come, and must find their buckets closed.
     */
    synchronized void pruneKeepingClosed(Instant before) {
        markers.keySet().removeIf(h -> h.isBefore(before));
        firstSeen.keySet().removeIf(h -> h.isBefore(before));
        seals.keySet().removeIf(b -> b.hour().isBefore(before));
        expectedByHour.keySet().removeIf(h -> h.isBefore(before));
        finalized.keySet().removeIf(b -> b.hour().isBefore(before));
        hosts.values().removeIf(h -> h.lastSeen().isBefore(before));
        hosts.values().forEach(h -> h.forgetBefore(before));
        if (firstHour != null && firstHour.isBefore(before)) {
            firstHour = before;
        }
    }

    /** How many hours the ledger holds: those of the markers and heartbeats it has read, until pruned. */
    synchronized int hoursHeld() {
        return firstSeen.size();
    }

    synchronized List<HostView> hosts() {
        return new ArrayList<>(hosts.values());
    }
}
