package io.hourglass.core.control;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The {@code _SUCCESS} manifest of a closed bucket, also announced on {@code _hourglass.buckets}. */
public record Manifest(
        String type,
        Instant hour,
        Instant sealedAt,
        Instant closedAt,
        long closeDelaySeconds,
        boolean complete,
        long events,
        long duplicatesDropped,
        long lateEvents,
        Map<String, Long> hosts,
        List<String> expectedHosts,
        List<String> missingHosts,
        List<FileEntry> files,
        Map<Integer, Long> sealOffsets) {

    public Manifest {
        requireNonNull(type, "type is null");
        requireNonNull(hour, "hour is null");
        hosts = Map.copyOf(hosts);
        expectedHosts = List.copyOf(expectedHosts);
        missingHosts = List.copyOf(missingHosts);
        files = List.copyOf(files);
        sealOffsets = Map.copyOf(sealOffsets);
    }

    /** One final file of the bucket and its record count. */
    public record FileEntry(String name, long events) {
        public FileEntry {
            requireNonNull(name, "name is null");
        }
    }

    public BucketId bucket() {
        return new BucketId(type, hour);
    }
}
