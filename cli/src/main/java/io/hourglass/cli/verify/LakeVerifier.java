package io.hourglass.cli.verify;

import io.hourglass.core.Hours;
import io.hourglass.core.Json;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;

/**
 * Reads every closed bucket of a data directory and checks what users rely on: the manifest matches the files, no id
 * appears twice in the lake, every record sits in its own hour unless flagged late, and no final file exists without
 * a manifest entry. Then it compares with the host event logs: an event that a host logged, that was not rejected,
 * and whose hour is closed, must be in some closed bucket unless it is still on its way as a late event.
 */
public final class LakeVerifier {
    private final Path dataDir;

    public LakeVerifier(Path dataDir) {
        this.dataDir = dataDir;
    }

    /** One event found in the lake. */
    public record Found(BucketId bucket, String file, boolean late, Instant loggedAt) {
    }

    public VerifyReport verify() throws IOException {
        List<String> violations = new ArrayList<>();
        Map<String, Found> ids = new HashMap<>();
        Map<BucketId, Manifest> buckets = new TreeMap<>();
        Path lake = dataDir.resolve("lake");
        long events = 0;
        for (Path hourDir : bucketDirs(lake)) {
            Path success = hourDir.resolve("_SUCCESS");
            List<String> parts = listParts(hourDir);
            if (!Files.exists(success)) {
                if (!parts.isEmpty()) {
                    violations.add(hourDir + ": final files " + parts + " but no _SUCCESS");
                }
                continue;
            }
            Manifest m = Json.MAPPER.readValue(success.toFile(), Manifest.class);
            BucketId b = m.bucket();
            if (!lake.resolve(b.path()).equals(hourDir)) {
                violations.add(success + ": manifest names " + b + " but sits in " + lake.relativize(hourDir));
            }
            buckets.put(b, m);
            Set<String> listed = new HashSet<>();
            long inFiles = 0;
            long lateInFiles = 0;
            Map<String, Long> hosts = new TreeMap<>();
            for (Manifest.FileEntry f : m.files()) {
                listed.add(f.name());
                Path file = hourDir.resolve(f.name());
                if (!Files.exists(file)) {
                    violations.add(b + ": manifest lists " + f.name() + " but it does not exist");
                    continue;
                }
                long n = 0;
                try (InputStream in = Files.newInputStream(file);
                     DataFileStream<GenericRecord> records = new DataFileStream<>(in, new GenericDatumReader<>())) {
                    for (GenericRecord r : records) {
                        n++;
                        String id = r.get("id").toString();
                        boolean late = (Boolean) r.get("late");
                        Instant loggedAt = Instant.ofEpochMilli((Long) r.get("logged_at"));
                        hosts.merge(r.get("host").toString(), 1L, Long::sum);
                        if (late) {
                            lateInFiles++;
                            if (!loggedAt.isBefore(b.hour())) {
                                violations.add(b + ": late event " + id + " was logged at " + loggedAt
                                        + ", not before the bucket's hour");
                            }
                        } else if (!Hours.hourOf(loggedAt).equals(b.hour())) {
                            violations.add(b + ": event " + id + " logged at " + loggedAt + " is in the wrong hour");
                        }
                        if (!r.get("type").toString().equals(b.type())) {
                            violations.add(b + ": event " + id + " has type " + r.get("type"));
                        }
                        Found previous = ids.put(id, new Found(b, f.name(), late, loggedAt));
                        if (previous != null) {
                            violations.add("id " + id + " appears twice: in " + previous.bucket() + "/"
                                    + previous.file() + " and in " + b + "/" + f.name());
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    violations.add(b + "/" + f.name() + " is unreadable: " + e.getMessage());
                }
                if (n != f.events()) {
                    violations.add(b + "/" + f.name() + ": manifest says " + f.events() + " events, file has " + n);
                }
                inFiles += n;
            }
            for (String p : parts) {
                if (!listed.contains(p)) {
                    violations.add(b + ": file " + p + " is not in the manifest");
                }
            }
            if (inFiles != m.events()) {
                violations.add(b + ": manifest says " + m.events() + " events, files hold " + inFiles);
            }
            if (lateInFiles != m.lateEvents()) {
                violations.add(b + ": manifest says " + m.lateEvents() + " late events, files hold " + lateInFiles);
            }
            if (!hosts.equals(new TreeMap<>(m.hosts()))) {
                violations.add(b + ": manifest hosts " + new TreeMap<>(m.hosts()) + " differ from files " + hosts);
            }
            events += inFiles;
        }
        HostLogCheck logs = new HostLogCheck(dataDir).check(ids, buckets);
        violations.addAll(logs.violations());
        return new VerifyReport(buckets, ids, events, logs, violations);
    }

    private static List<Path> bucketDirs(Path lake) throws IOException {
        if (!Files.isDirectory(lake)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(lake, 3)) {
            return s.filter(p -> p.getFileName().toString().startsWith("hour=")).filter(Files::isDirectory)
                    .sorted().toList();
        }
    }

    private static List<String> listParts(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".avro") && !n.startsWith("."))
                    .sorted().toList();
        }
    }
}
