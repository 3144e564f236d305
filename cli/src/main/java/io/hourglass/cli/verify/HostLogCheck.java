package io.hourglass.cli.verify;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.hourglass.core.Envelope;
import io.hourglass.core.Hours;
import io.hourglass.core.Json;
import io.hourglass.core.control.BadRow;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.Manifest;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Compares host event logs with the lake. A logged event is <em>delivered</em> when its id is in a closed bucket,
 * <em>rejected</em> when it is in bad rows, <em>pending</em> when its bucket is still open or it was late and its
 * late bucket is not closed yet, and <em>lost</em> when its own bucket closed complete with its host expected, yet
 * the id is nowhere.
 */
final class HostLogCheck {
    private final Path dataDir;
    private long logged;
    private long delivered;
    private long rejected;
    private long pending;
    private final List<String> violations = new ArrayList<>();

    HostLogCheck(Path dataDir) {
        this.dataDir = dataDir;
    }

    HostLogCheck check(Map<String, LakeVerifier.Found> lake, Map<BucketId, Manifest> buckets) throws IOException {
        Path hosts = dataDir.resolve("hosts");
        if (!Files.isDirectory(hosts)) {
            return this;
        }
        Set<String> bad = badRowIds();
        Set<String> seen = new HashSet<>();
        try (Stream<Path> files = Files.walk(hosts, 2)) {
            for (Path f : files.filter(p -> Hours.parseLogFileName(p.getFileName().toString()).isPresent()).sorted()
                    .toList()) {
                String host = f.getParent().getFileName().toString();
                try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        Envelope e;
                        try {
                            e = Envelope.parse(line.getBytes(StandardCharsets.UTF_8));
                        } catch (RuntimeException ex) {
                            continue;  // garbage lines are counted by the collector in bad rows
                        }
                        if (!seen.add(e.id())) {
                            continue;  // the host logged the same event twice
                        }
                        logged++;
                        classify(e, host, lake, buckets, bad);
                    }
                }
            }
        }
        return this;
    }

    private void classify(Envelope e, String host, Map<String, LakeVerifier.Found> lake,
                          Map<BucketId, Manifest> buckets, Set<String> bad) {
        if (lake.containsKey(e.id())) {
            delivered++;
            return;
        }
        if (bad.contains(e.id())) {
            rejected++;
            return;
        }
        Manifest own = buckets.get(new BucketId(e.type(), e.hour()));
        if (own != null && own.complete() && own.expectedHosts().contains(host)) {
            if (violations.size() < 100) {
                violations.add("lost: event " + e.id() + " of " + e.type() + " logged by " + host + " at "
                        + e.loggedAt() + " is in no bucket, though " + own.bucket() + " closed complete");
            }
            return;
        }
        pending++;
    }

    private Set<String> badRowIds() throws IOException {
        Set<String> ids = new HashSet<>();
        Path dir = dataDir.resolve("badrows");
        if (!Files.isDirectory(dir)) {
            return ids;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).toList()) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    try {
                        String id = idOf(Json.fromBytes(line.getBytes(StandardCharsets.UTF_8), BadRow.class).raw());
                        if (!id.isEmpty()) {
                            ids.add(id);
                        }
                    } catch (RuntimeException e) {
                        // not a bad row: nothing to match
                    }
                }
            }
        }
        return ids;
    }

    /**
     * The top-level {@code id} of a raw event, read as far as it goes: a row too large to keep whole holds only the
     * start of its line, and the id is usually near it. Empty for garbage, or when the id is not before the cut.
     */
    static String idOf(String raw) {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(raw)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return "";
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("id".equals(name)) {
                    return value == JsonToken.VALUE_STRING ? p.getText() : "";
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            // garbage, or the end of a cut line
        }
        return "";
    }

    long logged() {
        return logged;
    }

    long delivered() {
        return delivered;
    }

    long rejected() {
        return rejected;
    }

    long pending() {
        return pending;
    }

    List<String> violations() {
        return violations;
    }
}
