package io.hourglass.cli.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.core.Hours;
import io.hourglass.core.Json;
import io.hourglass.core.control.BadRow;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.Manifest;
import io.hourglass.core.lake.LakeRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A data directory made by hand: closed buckets, host logs and bad rows, each case with a known answer. */
class LakeVerifierTest {
    private static final Schema PAYLOAD = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\"n\",\"type\":\"long\"}]}");
    private static final Instant TEN = Instant.parse("2026-03-01T10:00:00Z");
    private static final Instant ELEVEN = TEN.plusSeconds(3600);

    @TempDir
    Path dir;
    @TempDir
    Path scratch;

    /** One event: its id, type, host and when it was logged. */
    private record Event(String id, String type, String host, Instant loggedAt) {
    }

    @Test
    void aWholeLakeHasNoViolationsAndEveryLoggedEventIsAccountedFor() throws IOException {
        List<Event> ten = events("T", "h1", TEN, 0, 300);
        List<Event> eleven = events("T", "h2", ELEVEN, 300, 200);
        closeBucket(new BucketId("T", TEN), List.of("h1"), ten);
        closeBucket(new BucketId("T", ELEVEN), List.of("h2"), eleven);
        log(ten);
        log(eleven);
        log(ten.subList(0, 5));  // a host that logged some events twice counts each once
        List<Event> open = events("T", "h1", ELEVEN.plusSeconds(3600), 500, 7);  // its hour is not closed yet
        log(open);
        Event rejected = events("T", "h2", TEN, 600, 1).get(0);
        log(List.of(rejected));
        badRow(rejected);

        for (long idsAPartition : new long[] {LakeVerifier.IDS_A_PARTITION, 7}) {
            VerifyReport r = new LakeVerifier(dir, scratch, idsAPartition).verify();
            assertThat(r.violations()).as("%d ids a partition", idsAPartition).isEmpty();
            assertThat(r.buckets()).hasSize(2);
            assertThat(r.events()).isEqualTo(500);
            assertThat(r.logged()).isEqualTo(508);
            assertThat(r.delivered()).isEqualTo(500);
            assertThat(r.rejected()).isEqualTo(1);
            assertThat(r.pending()).isEqualTo(7);
        }
        try (Stream<Path> left = Files.list(scratch)) {
            assertThat(left).as("the scratch files are removed").isEmpty();
        }
    }

    @Test
    void anIdInTwoBucketsAndAnEventMissingFromItsClosedBucketAreFoundInAnyPartitioning() throws IOException {
        List<Event> ten = events("T", "h1", TEN, 0, 100);
        List<Event> eleven = new ArrayList<>(events("T", "h1", ELEVEN, 100, 50));
        Event twice = ten.get(42);
        eleven.add(new Event(twice.id(), "T", "h1", ELEVEN));  // the same id, delivered again an hour later
        closeBucket(new BucketId("T", TEN), List.of("h1"), ten.subList(1, ten.size()));  // the first one is lost
        closeBucket(new BucketId("T", ELEVEN), List.of("h1"), eleven);
        log(ten);

        for (long idsAPartition : new long[] {LakeVerifier.IDS_A_PARTITION, 3}) {
            VerifyReport r = new LakeVerifier(dir, scratch, idsAPartition).verify();
            assertThat(r.violations()).as("%d ids a partition", idsAPartition).containsExactlyInAnyOrder(
                    "id " + twice.id() + " appears twice: in T@2026-03-01T10:00:00Z/part-00000.avro and in"
                            + " T@2026-03-01T11:00:00Z/part-00000.avro",
                    "lost: event " + ten.get(0).id() + " of T logged by h1 at " + ten.get(0).loggedAt()
                            + " is in no bucket, though T@2026-03-01T10:00:00Z closed complete");
            assertThat(r.delivered()).isEqualTo(99);
        }
    }

    private static List<Event> events(String type, String host, Instant hour, int from, int count) {
        List<Event> events = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            events.add(new Event(String.format("00000000-0000-4000-8000-%012d", i), type, host,
                    hour.plusMillis(i * 1000L % 3_600_000)));
        }
        return events;
    }

    private void closeBucket(BucketId b, List<String> expected, List<Event> events) throws IOException {
        Path bucket = Files.createDirectories(dir.resolve("lake").resolve(b.path()));
        Schema schema = LakeRecords.schema(b.type(), PAYLOAD);
        Map<String, Long> hosts = new TreeMap<>();
        try (DataFileWriter<GenericData.Record> w = new DataFileWriter<>(new GenericDatumWriter<>(schema))) {
            w.create(schema, bucket.resolve("part-00000.avro").toFile());
            for (Event e : events) {
                GenericData.Record r = new GenericData.Record(schema);
                r.put("id", e.id());
                r.put("type", e.type());
                r.put("version", 1);
                r.put("logged_at", e.loggedAt().toEpochMilli());
                r.put("received_at", e.loggedAt().toEpochMilli());
                r.put("host", e.host());
                r.put("late", false);
                GenericData.Record payload = new GenericData.Record(PAYLOAD);
                payload.put("n", 1L);
                r.put("payload", payload);
                w.append(r);
                hosts.merge(e.host(), 1L, Long::sum);
            }
        }
        Manifest m = new Manifest(b.type(), b.hour(), b.hour(), b.hour(), 0, true, events.size(), 0, 0, hosts,
                expected, List.of(), List.of(new Manifest.FileEntry("part-00000.avro", events.size())), Map.of());
        Files.write(bucket.resolve("_SUCCESS"), Json.toBytes(m));
    }

    private void log(List<Event> events) throws IOException {
        for (Event e : events) {
            Path file = Files.createDirectories(dir.resolve("hosts").resolve(e.host()))
                    .resolve(Hours.logFileName(Hours.hourOf(e.loggedAt())));
            String line = "{\"id\":\"" + e.id() + "\",\"type\":\"" + e.type() + "\",\"version\":1,\"logged_at\":\""
                    + e.loggedAt() + "\",\"payload\":{\"n\":1}}\n";
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    private void badRow(Event e) throws IOException {
        Path file = Files.createDirectories(dir.resolve("badrows").resolve(e.type())).resolve("part-0.jsonl");
        String raw = "{\"id\":\"" + e.id() + "\",\"type\":\"" + e.type() + "\",\"logged_at\":\"" + e.loggedAt() + "\"}";
        BadRow row = new BadRow(e.type(), "schema_mismatch", "no payload", e.loggedAt(), e.host(), raw);
        Files.write(file, (new String(row.toJson(BadRow.MAX_JSON_BYTES), StandardCharsets.UTF_8) + "\n")
                .getBytes(StandardCharsets.UTF_8));
    }
}
