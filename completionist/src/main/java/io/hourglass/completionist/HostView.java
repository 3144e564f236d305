package io.hourglass.completionist;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/** What the completionist knows about one host from its heartbeats. */
final class HostView {
    private static final long HOUR_SECONDS = 3600;
    private static final long[] NONE = {};

    private final String host;
    /**
     * The latest heartbeat of each hour, oldest hour first, one {@code long} each: the hour since the epoch in the
     * high half and the heartbeat's millisecond within the hour in the low half, so that a later heartbeat of the
     * same hour is a larger number. A map of instants took 76 bytes a host and hour, 110 MB for a day of 60,000 hosts.
     */
    private long[] latestByHour = NONE;
    private int hours;
    private Instant lastSeen = Instant.EPOCH;
    private Instant watermark = Instant.EPOCH;
    /** Where in the ledger's reading the latest heartbeat came. */
    private long watermarkRead = -1;

    HostView(String host) {
        this.host = host;
    }

    void heartbeat(Instant sentAt, Instant newWatermark, long read) {
        long epochHour = epochHour(sentAt);
        if (epochHour == (int) epochHour) {
            long millisWithinHour = Math.floorMod(sentAt.getEpochSecond(), HOUR_SECONDS) * 1000
                    + sentAt.getNano() / 1_000_000;
            keepLatest(epochHour << 32 | millisWithinHour);
        }
        if (sentAt.isAfter(lastSeen)) {
            lastSeen = sentAt;
            watermark = newWatermark;
            watermarkRead = read;
        }
    }

    private void keepLatest(long heartbeat) {
        int i = indexOfHour(heartbeat >> 32);
        if (i >= 0) {
            latestByHour[i] = Math.max(latestByHour[i], heartbeat);
            return;
        }
        int at = -i - 1;
        if (hours == latestByHour.length) {
            latestByHour = Arrays.copyOf(latestByHour, Math.max(4, hours * 2));
        }
        System.arraycopy(latestByHour, at, latestByHour, at + 1, hours - at);
        latestByHour[at] = heartbeat;
        hours++;
    }

    /** The index of the hour's heartbeat, or {@code -(insertion point) - 1}, as {@link Arrays#binarySearch}. */
    private int indexOfHour(long epochHour) {
        if (epochHour != (int) epochHour) {
            return -(epochHour < 0 ? 0 : hours) - 1;  // no heartbeat is held for an hour so far off
        }
        int i = Arrays.binarySearch(latestByHour, 0, hours, epochHour << 32);
        if (i >= 0) {
            return i;
        }
        int at = -i - 1;
        return at < hours && latestByHour[at] >> 32 == epochHour ? at : i;
    }

    /** Forgets the hours that start before {@code t}. */
    void forgetBefore(Instant t) {
        long first = epochHour(t);
        if (!Instant.ofEpochSecond(first * HOUR_SECONDS).equals(t)) {
            first++;  // the hour that holds t starts before it
        }
        int i = indexOfHour(first);
        int kept = i >= 0 ? i : -i - 1;
        System.arraycopy(latestByHour, kept, latestByHour, 0, hours - kept);
        hours -= kept;
    }

    String host() {
        return host;
    }

    /**
     * Whether this host may have logged during {@code hour}: it heartbeated during the hour, or its last heartbeat
     * before the hour is recent enough that it may still have been alive when the hour began.
     */
    boolean mayHaveLoggedIn(Instant hour, Duration timeout) {
        long epochHour = epochHour(hour);
        if (indexOfHour(epochHour) >= 0) {
            return true;
        }
        int before = indexOfHour(epochHour - 1);
        if (before < 0) {
            return false;
        }
        Instant latest = Instant.ofEpochSecond((epochHour - 1) * HOUR_SECONDS)
                .plusMillis(latestByHour[before] & 0xFFFF_FFFFL);
        return !latest.isBefore(hour.minus(timeout));
    }

    /** The hour since the epoch that holds {@code t}. */
    private static long epochHour(Instant t) {
        return Math.floorDiv(t.getEpochSecond(), HOUR_SECONDS);
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
