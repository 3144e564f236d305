package io.hourglass.writer;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.core.control.BucketId;
import io.hourglass.core.lake.LocalLakeStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClosedIdsTest {
    private static final Instant H = Instant.parse("2026-01-01T10:00:00Z");
    private static final Schema SCHEMA = SchemaBuilder.record("T").namespace("lake").fields()
            .requiredLong("n").requiredString("id").requiredString("host").endRecord();

    @TempDir
    Path root;

    /** Writes a final file of these ids, other fields around them, in small blocks. */
    private void closed(LocalLakeStore lake, BucketId b, List<String> ids) throws IOException {
        closed(lake, b, ids, null);
    }

    /** The same, with {@code lateHours} as the file's list of its late events' hours unless null. */
    private void closed(LocalLakeStore lake, BucketId b, List<String> ids, String lateHours) throws IOException {
        lake.writeAtomically("lake/" + b.path() + "/" + Writer.fileName(0), out -> {
            try (DataFileWriter<GenericData.Record> w = new DataFileWriter<>(new GenericDatumWriter<>(SCHEMA))) {
                w.setSyncInterval(4096);
                if (lateHours != null) {
                    w.setMeta(LateHours.META, lateHours);
                }
                w.create(SCHEMA, out);
                for (int i = 0; i < ids.size(); i++) {
                    GenericData.Record r = new GenericData.Record(SCHEMA);
                    r.put("n", (long) i);
                    r.put("id", ids.get(i));
                    r.put("host", "h" + i);
                    w.append(r);
                }
            }
        });
    }

    private List<Path> indexFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }

    @Test
    void findsTheIdsOfAClosedFileAfterARestartAndForgetsTheLeastRecentlyUsed() throws IOException {
        LocalLakeStore lake = new LocalLakeStore(root.resolve("lake-root"));
        BucketId first = new BucketId("T", H);
        BucketId second = new BucketId("T", H.plusSeconds(3600));
        BucketId empty = new BucketId("T", H.plusSeconds(7200));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            ids.add(i % 4 == 0 ? "order-" + i : UUID.randomUUID().toString());
        }
        closed(lake, first, ids.subList(0, 2000));
        closed(lake, second, ids.subList(2000, 3000));
        Path dir = Files.createDirectories(root.resolve("closed"));
        ClosedIds closed = new ClosedIds(lake, dir, 1, 100, () -> { });  // room for one index; 100 ids at once

        assertThat(ids.subList(0, 2000)).allMatch(id -> closed.contains(first, 0, id));
        assertThat(ids.subList(2000, 3000)).noneMatch(id -> closed.contains(first, 0, id));
        assertThat(closed.contains(first, 0, "order-1")).isFalse();
        assertThat(indexFiles(dir)).containsExactly(closed.file(first, 0));

        assertThat(ids.subList(2000, 3000)).allMatch(id -> closed.contains(second, 0, id));
        assertThat(indexFiles(dir)).as("the first is forgotten").containsExactly(closed.file(second, 0));
        assertThat(closed.contains(first, 0, ids.get(0))).as("and read again").isTrue();
        assertThat(closed.contains(empty, 0, ids.get(0))).as("a partition-hour without a file").isFalse();

        // Handed over by the finalize that wrote the file: the lake is not read (it has no file for this hour).
        BucketId written = new BucketId("T", H.plusSeconds(3 * 3600));
        long[] key = IdOffsets.key("late-1");
        IdIndex.Built built = IdIndex.build(closed.file(written, 0), v -> v.key(key[0], key[1], 5, 0), 1, 100);
        closed.remember(written, 0, built.index());
        assertThat(closed.contains(written, 0, "late-1")).isTrue();

        closed.close();
        assertThat(indexFiles(dir)).isEmpty();
    }

    @Test
    void aClosedFileMayHoldLateEventsOnlyOfTheHoursItListsAndAnOlderFileOfAny() throws IOException {
        LocalLakeStore lake = new LocalLakeStore(root.resolve("lake-root"));
        BucketId listing = new BucketId("T", H.plusSeconds(5 * 3600));
        BucketId listingNone = new BucketId("T", H.plusSeconds(6 * 3600));
        BucketId older = new BucketId("T", H.plusSeconds(7 * 3600));
        BucketId noFile = new BucketId("T", H.plusSeconds(8 * 3600));
        closed(lake, listing, List.of("a"), LateHours.format(List.of(H.plusSeconds(3600), H)));
        closed(lake, listingNone, List.of("b"), LateHours.format(List.of()));
        closed(lake, older, List.of("c"));
        AtomicInteger checks = new AtomicInteger();
        ClosedIds closed = new ClosedIds(lake, Files.createDirectories(root.resolve("closed")), 1 << 20, 100,
                checks::incrementAndGet);

        assertThat(closed.mayHoldLateOf(listing, 0, H)).isTrue();
        assertThat(closed.mayHoldLateOf(listing, 0, H.plusSeconds(3600))).isTrue();
        assertThat(closed.mayHoldLateOf(listing, 0, H.plusSeconds(2 * 3600))).isFalse();
        assertThat(closed.mayHoldLateOf(listingNone, 0, H)).isFalse();
        assertThat(closed.mayHoldLateOf(older, 0, H)).as("written before files listed their late hours").isTrue();
        assertThat(closed.mayHoldLateOf(noFile, 0, H)).as("no events, no file").isFalse();
        assertThat(indexFiles(root.resolve("closed"))).as("reading a header indexes no ids").isEmpty();
        assertThat(checks).as("no ids were looked into").hasValue(0);

        assertThat(closed.contains(listing, 0, "a")).isTrue();
        assertThat(closed.contains(older, 0, "a")).isFalse();
        assertThat(checks).hasValue(2);
        closed.close();
    }
}
