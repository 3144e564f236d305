package io.hourglass.cli.verify;

import io.hourglass.cli.ScratchFolder;
import io.hourglass.core.Hours;
import io.hourglass.core.Json;
import io.hourglass.core.OwnedFolders;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
 *
 * <p>The ids of the lake, of the host logs and of bad rows go to scratch files, spread by hash over partitions of
 * about {@value #IDS_A_PARTITION} lake ids, and each partition is checked in memory on its own: memory stays bounded
 * up to {@value #MAX_PARTITIONS} partitions (about 200M events), with about 110 bytes of scratch disk an event.
 */
public final class LakeVerifier {
    /** Lake ids a partition holds, about: 50-100 MB of heap for them and as many logged ids. */
    static final long IDS_A_PARTITION = 400_000;
    /** At most this many partitions (three scratch files each are open while spilling). */
    static final int MAX_PARTITIONS = 512;
    private final Path dataDir;
    private final Path scratchRoot;
    private final long idsAPartition;

    /** Verifies {@code dataDir}, with its scratch files in this process's {@link ScratchFolder}. */
    public LakeVerifier(Path dataDir) throws IOException {
        this(dataDir, ScratchFolder.ofThisProcess(), IDS_A_PARTITION);
    }

    LakeVerifier(Path dataDir, Path scratchRoot, long idsAPartition) {
        this.dataDir = dataDir;
        this.scratchRoot = scratchRoot;
        this.idsAPartition = idsAPartition;
    }

    /** A final file of the lake. */
    private record Place(BucketId bucket, String file) {
        @Override
        public String toString() {
            return bucket + "/" + file;
        }
    }

    public VerifyReport verify() throws IOException {
        Path scratch = Files.createTempDirectory(scratchRoot, "hourglass-verify-");
        try {
            return verify(scratch);
        } finally {
            OwnedFolders.deleteTree(scratch);
        }
    }

    private VerifyReport verify(Path scratch) throws IOException {
        List<String> violations = new ArrayList<>();
        Map<BucketId, Manifest> buckets = new TreeMap<>();
        Map<Path, Manifest> closed = new LinkedHashMap<>();
        Path lake = dataDir.resolve("lake");
        long announced = 0;
        for (Path hourDir : bucketDirs(lake)) {
            Path success = hourDir.resolve("_SUCCESS");
            if (!Files.exists(success)) {
                List<String> parts = listParts(hourDir);
                if (!parts.isEmpty()) {
                    violations.add(hourDir + ": final files " + parts + " but no _SUCCESS");
                }
                continue;
            }
            Manifest m = Json.MAPPER.readValue(success.toFile(), Manifest.class);
            if (!lake.resolve(m.bucket().path()).equals(hourDir)) {
                violations.add(success + ": manifest names " + m.bucket() + " but sits in "
                        + lake.relativize(hourDir));
            }
            buckets.put(m.bucket(), m);
            closed.put(hourDir, m);
            announced += m.events();
        }
        int partitions = (int) Math.min(MAX_PARTITIONS, Math.max(1, (announced + idsAPartition - 1) / idsAPartition));
        List<Place> places = new ArrayList<>();
        long events = 0;
        try (IdSpill lakeIds = new IdSpill(scratch, "lake", partitions, 1);
             HostLogCheck logs = new HostLogCheck(dataDir, scratch, partitions)) {
            for (Map.Entry<Path, Manifest> bucket : closed.entrySet()) {
                events += readBucket(bucket.getKey(), bucket.getValue(), lakeIds, places, violations);
            }
            lakeIds.finish();
            logs.spill();
            for (int p = 0; p < partitions; p++) {
                Map<String, Integer> ids = new HashMap<>();
                lakeIds.read(p, e -> {
                    Integer first = ids.putIfAbsent(e.id(), (int) e.values()[0]);
                    if (first != null) {
                        violations.add("id " + e.id() + " appears twice: in " + places.get(first) + " and in "
                                + places.get((int) e.values()[0]));
                    }
                });
                logs.classify(p, ids.keySet(), buckets);
            }
            violations.addAll(logs.violations());
            return new VerifyReport(buckets, events, logs, violations);
        }
    }

    /** Reads a closed bucket's files against its manifest; spills their ids; returns how many events they hold. */
    private long readBucket(Path hourDir, Manifest m, IdSpill lakeIds, List<Place> places, List<String> violations)
            throws IOException {
        BucketId b = m.bucket();
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
            int place = places.size();
            places.add(new Place(b, f.name()));
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
                    lakeIds.add(id, place);
                }
            } catch (IdSpill.ScratchFailure e) {
                throw e;  // the scratch disk failed, not this file: no violation to report, but an error
            } catch (IOException | RuntimeException e) {
                violations.add(b + "/" + f.name() + " is unreadable: " + e.getMessage());
            }
            if (n != f.events()) {
                violations.add(b + "/" + f.name() + ": manifest says " + f.events() + " events, file has " + n);
            }
            inFiles += n;
        }
        for (String p : listParts(hourDir)) {
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
        return inFiles;
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
