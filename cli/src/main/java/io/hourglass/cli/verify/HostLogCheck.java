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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Compares host event logs with the lake. A logged event is <em>delivered</em> when its id is in a closed bucket,
 * <em>rejected</em> when it is in bad rows, <em>pending</em> when its bucket is still open or it was late and its
 * late bucket is not closed yet, and <em>lost</em> when its own bucket closed complete with its host expected, yet
 * the id is nowhere. The ids of the host logs and of bad rows are spilled to scratch partitions first; then each
 * partition is classified against the lake's ids of the same partition.
 */
final class HostLogCheck implements AutoCloseable {
    private final Path dataDir;
    /** Each logged event: its id, its host's and type's numbers, and its {@code logged_at} in epoch milliseconds. */
    private final IdSpill loggedIds;
    private final IdSpill badIds;
    private final Names hosts = new Names();
    private final Names types = new Names();
    private long logged;
    private long delivered;
    private long rejected;
    private long pending;
    private final List<String> violations = new ArrayList<>();

    /** Names numbered in the order they are first met. */
    private static final class Names {
        private final Map<String, Integer> numbers = new HashMap<>();
        private final List<String> names = new ArrayList<>();

        int number(String name) {
            return numbers.computeIfAbsent(name, n -> {
                names.add(n);
                return names.size() - 1;
            });
        }

        String name(long number) {
            return names.get((int) number);
        }
    }

    HostLogCheck(Path dataDir, Path scratch, int partitions) throws IOException {
        this.dataDir = dataDir;
        this.loggedIds = new IdSpill(scratch, "logged", partitions, 3);
        this.badIds = new IdSpill(scratch, "bad", partitions, 0);
    }

    /** Reads the bad rows and the host logs into the scratch partitions. */
    void spill() throws IOException {
        spillBadRowIds();
        badIds.finish();
        Path hostsDir = dataDir.resolve("hosts");
        if (Files.isDirectory(hostsDir)) {
            try (Stream<Path> files = Files.walk(hostsDir, 2)) {
                for (Path f : files.filter(p -> Hours.parseLogFileName(p.getFileName().toString()).isPresent())
                        .sorted().toList()) {
                    spillLog(f, hosts.number(f.getParent().getFileName().toString()));
                }
            }
        }
        loggedIds.finish();
    }

    private void spillLog(Path file, int host) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                Envelope e;
                try {
                    e = Envelope.parse(line.getBytes(StandardCharsets.UTF_8));
                } catch (RuntimeException ex) {
                    continue;  // garbage lines are counted by the collector in bad rows
                }
                loggedIds.add(e.id(), host, types.number(e.type()), e.loggedAt().toEpochMilli());
            }
        }
    }

    /** Classifies the logged events of partition {@code p}, given the lake's ids of that partition. */
    void classify(int p, Set<String> lake, Map<BucketId, Manifest> buckets) throws IOException {
        Set<String> bad = new HashSet<>();
        badIds.read(p, e -> bad.add(e.id()));
        Set<String> seen = new HashSet<>();
        loggedIds.read(p, e -> {
            if (seen.add(e.id())) {  // else the host logged the same event twice
                logged++;
                classify(e, lake, buckets, bad);
            }
        });
    }

    private void classify(IdSpill.Entry e, Set<String> lake, Map<BucketId, Manifest> buckets, Set<String> bad) {
        if (lake.contains(e.id())) {
            delivered++;
            return;
        }
        if (bad.contains(e.id())) {
            rejected++;
            return;
        }
        String host = hosts.name(e.values()[0]);
        String type = types.name(e.values()[1]);
        Instant loggedAt = Instant.ofEpochMilli(e.values()[2]);
        Manifest own = buckets.get(new BucketId(type, Hours.hourOf(loggedAt)));
        if (own != null && own.complete() && own.expectedHosts().contains(host)) {
            if (violations.size() < 100) {
                violations.add("lost: event " + e.id() + " of " + type + " logged by " + host + " at "
                        + loggedAt + " is in no bucket, though " + own.bucket() + " closed complete");
            }
            return;
        }
        pending++;
    }

    private void spillBadRowIds() throws IOException {
        Path dir = dataDir.resolve("badrows");
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).toList()) {
                try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        String id = badRowId(line);
                        if (!id.isEmpty()) {
                            badIds.add(id);
                        }
                    }
                }
            }
        }
    }

    private static String badRowId(String line) {
        try {
            return idOf(Json.fromBytes(line.getBytes(StandardCharsets.UTF_8), BadRow.class).raw());
        } catch (RuntimeException e) {
            return "";  // not a bad row: nothing to match
        }
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

    @Override
    public void close() throws IOException {
        try {
            loggedIds.close();
        } finally {
            badIds.close();
        }
    }
}
