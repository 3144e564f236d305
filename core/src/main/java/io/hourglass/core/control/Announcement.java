package io.hourglass.core.control;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/**
 * A closed bucket as announced on {@code _hourglass.buckets}: the figures of its {@code _SUCCESS} manifest and where
 * that is, without the manifest's lists and tally of hosts. Those grow with the fleet (megabytes at tens of thousands
 * of hosts), a job that waits for a bucket needs none of them, and the completionist reads weeks of announcements at
 * each start. Its fields come in the order a job that waits for the bucket reads them: whether it is complete, and
 * where its files are.
 *
 * @param manifest           the path of the bucket's {@code _SUCCESS} in the lake store
 * @param missingHostsSample the first missing hosts by name, at most {@link #MISSING_HOSTS_NAMED}
 */
public record Announcement(
        String type,
        Instant hour,
        boolean complete,
        String manifest,
        List<Manifest.FileEntry> files,
        long events,
        long duplicatesDropped,
        long lateEvents,
        int hostCount,
        int expectedHostCount,
        int missingHostCount,
        List<String> missingHostsSample,
        Instant sealedAt,
        Instant closedAt,
        long closeDelaySeconds) {

    /** Enough to act on a few missing hosts; a larger outage is in the manifest. */
    public static final int MISSING_HOSTS_NAMED = 100;

    public Announcement {
        requireNonNull(type, "type is null");
        requireNonNull(hour, "hour is null");
        // An announcement of an older version was the whole manifest: it reads with its bucket, files and path.
        missingHostsSample = missingHostsSample == null ? List.of() : List.copyOf(missingHostsSample);
        files = files == null ? List.of() : List.copyOf(files);
        manifest = manifest == null ? new BucketId(type, hour).successPath() : manifest;
    }

    /** What to announce of a manifest. */
    public static Announcement of(Manifest m) {
        List<String> missing = m.missingHosts().stream().sorted().limit(MISSING_HOSTS_NAMED).toList();
        return new Announcement(m.type(), m.hour(), m.complete(), m.bucket().successPath(), m.files(), m.events(),
                m.duplicatesDropped(), m.lateEvents(), m.hosts().size(), m.expectedHosts().size(),
                m.missingHosts().size(), missing, m.sealedAt(), m.closedAt(), m.closeDelaySeconds());
    }

    public BucketId bucket() {
        return new BucketId(type, hour);
    }
}
