package io.hourglass.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.core.Envelope;
import io.hourglass.core.EnvelopeHeader;
import io.hourglass.core.Json;
import io.hourglass.core.MemoryBudget;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.lake.LakeRecordEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BucketStageTest {
    private final MemoryBudget lateIds = new MemoryBudget(64L << 20);
    private final HostNamePool names = new HostNamePool(Clock.systemUTC());
    private static final Instant H = Instant.parse("2026-01-01T10:00:00Z");

    @TempDir
    Path dir;

    private static BucketStage.Staged event(long offset, String id, String host, int version, boolean late) {
        Envelope e = new Envelope(id, "T", version, null, H.plusSeconds(5), H.plusSeconds(6), host, false,
                Json.MAPPER.createObjectNode().put("n", offset));
        return new BucketStage.Staged(offset, EnvelopeHeader.parse(e.toBytes()), e.toBytes(), SpillFile.Form.JSON,
                late);
    }

    @Test
    void aSealTakesInTheOwnHoursOfTheLateEventsBelowIt() throws IOException {
        BucketStage s = new BucketStage(new BucketId("T", H.plusSeconds(3 * 3600)), 0, dir.resolve("late.spill"),
                BlockMemory.NONE, lateIds, names);
        s.add(event(1, UUID.randomUUID().toString(), "h", 1, false));
        s.add(event(2, UUID.randomUUID().toString(), "h", 1, true));
        assertThat(s.lateHours(1)).as("only an event in its own hour below the seal").isEmpty();
        assertThat(s.lateHours(2)).containsExactly(H);
        assertThat(s.lateHours(Long.MAX_VALUE)).containsExactly(H);
        s.close();
    }

    @Test
    void everyCopyWaitsOnDiskAndTheSealDecidesWhichCopiesItTakesIn() throws IOException {
        Path spill = dir.resolve("s.spill");
        BucketStage s = new BucketStage(new BucketId("T", H), 0, spill, BlockMemory.NONE, lateIds, names);
        String a = UUID.randomUUID().toString();
        String b = UUID.randomUUID().toString();
        String c = UUID.randomUUID().toString();
        s.add(event(10, a, "h1", 1, false));
        s.add(event(11, b, "h2", 2, true));
        s.add(event(12, a, "h1", 3, false));
        s.add(event(20, c, null, 4, false));
        s.duplicateOfClosed(5);
        assertThat(s.duplicatesOfClosed()).isEqualTo(1);
        assertThat(List.of(s.size(), s.minOffset(), s.maxOffset())).containsExactly(4L, 5L, 20L);

        // Sealed at 11, the second copy of a lies beyond the seal: it moves on with c, and nothing is dropped here.
        IdIndex.Built early = s.deduplicate(11, dir.resolve("early.ids"), 1000);
        assertThat(early.drops()).isEmpty();
        assertThat(early.index().size()).isEqualTo(2);
        assertThat(s.sealed(11, early)).isEqualTo(new BucketStage.Sealed(2, 2, 1, Map.of("h1", 1L, "h2", 1L)));
        IdIndex.Built all = s.deduplicate(20, dir.resolve("all.ids"), 1000);
        assertThat(all.drops()).as("the second copy of a, the third event staged").containsExactly(2L);
        assertThat(all.index().size()).isEqualTo(3);
        assertThat(List.of(a, b, c)).allMatch(all.index()::contains);
        assertThat(all.index().contains(UUID.randomUUID().toString())).isFalse();
        assertThat(s.sealed(20, all)).isEqualTo(new BucketStage.Sealed(3, 4, 1, Map.of("h1", 1L, "h2", 1L, "", 1L)));
        // Known without reading the file; copies count.
        assertThat(List.of(s.maxVersion(9), s.maxVersion(11), s.maxVersion(12), s.maxVersion(20)))
                .containsExactly(0, 2, 3, 4);
        List<String> ids = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        List<Long> indexes = new ArrayList<>();
        s.read(true, e -> {
            ids.add(EnvelopeHeader.parse(e.raw()).id());
            offsets.add(e.offset());
            indexes.add(e.index());
        });
        assertThat(ids).containsExactly(a, b, a, c);
        assertThat(offsets).containsExactly(10L, 11L, 12L, 20L);
        assertThat(indexes).containsExactly(0L, 1L, 2L, 3L);
        s.read(false, e -> assertThat(e.raw()).isNull());

        assertThat(s.containsLate(b, 11)).isTrue();
        assertThat(s.containsLate(b, 10)).isFalse();
        assertThat(s.containsLate(a, 100)).as("not late").isFalse();
        assertThat(Files.exists(spill)).isTrue();
        s.close();
        assertThat(spill).doesNotExist();
        early.index().close();
        all.index().close();
        assertThat(dir.resolve("all.ids")).doesNotExist();
        assertThat(Writer.fileName(7)).isEqualTo("part-00007.avro");
    }

    @Test
    void theEventsWaitOnDiskByteForByte() throws IOException {
        BucketStage s = new BucketStage(new BucketId("T", H), 0, dir.resolve("s.spill"), BlockMemory.NONE, lateIds,
                names);
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            BucketStage.Staged e = event(i, UUID.randomUUID().toString(), "h" + i % 7, 1, i % 3 == 0);
            if (i % 2 == 0) {  // as from a collector of format 2: the lake record, with an Avro payload
                e = new BucketStage.Staged(e.offset(), e.header(),
                        LakeRecordEncoder.fromKafka("T", e.header(), new byte[] {(byte) (i % 100)}),
                        i % 4 == 0 ? SpillFile.Form.AVRO_CHECKED : SpillFile.Form.AVRO, e.late());
            }
            sent.add(e.raw());
            s.add(e);
        }
        List<byte[]> back = new ArrayList<>();
        List<Boolean> late = new ArrayList<>();
        List<SpillFile.Form> forms = new ArrayList<>();
        s.read(true, e -> {
            back.add(e.raw());
            late.add(e.late());
            forms.add(e.form());
        });
        assertThat(back).containsExactlyElementsOf(sent);
        assertThat(late.stream().filter(l -> l).count()).isEqualTo(1667);
        assertThat(forms.stream().filter(f -> f != SpillFile.Form.JSON).count()).isEqualTo(2500);
        assertThat(forms.subList(0, 4)).containsExactly(SpillFile.Form.AVRO_CHECKED, SpillFile.Form.JSON,
                SpillFile.Form.AVRO, SpillFile.Form.JSON);
        assertThat(Files.size(dir.resolve("s.spill"))).isGreaterThan(sent.stream().mapToLong(r -> r.length).sum());
        s.close();
    }

    /** Hosts in runs, as packs bring them, against a host that changes at every event: the same events otherwise. */
    @Test
    void aFrameNamesItsHostOnlyWhenItIsNotTheLastFramesHost() throws IOException {
        List<String> runs = new ArrayList<>();
        List<String> changing = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            runs.add("web-" + i / 500 % 2);  // six runs: web-0, web-1, web-0, ...
            changing.add("web-" + i % 2);
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            ids.add(UUID.randomUUID().toString());
        }
        long inRuns = stagedBytes("runs", runs, ids);
        long everyEvent = stagedBytes("changing", changing, ids);
        assertThat(everyEvent - inRuns).as("the runs' frames leave out all but six names, and their lengths")
                .isEqualTo((3000 - 6) * ("web-0".length() + 1));
    }

    /** Stages an event per host, reads back the hosts and the seal's tally, and returns the spill file's size. */
    private long stagedBytes(String name, List<String> hosts, List<String> ids) throws IOException {
        Path spill = dir.resolve(name + ".spill");
        BucketStage s = new BucketStage(new BucketId("T", H), 0, spill, BlockMemory.NONE, lateIds, names);
        for (int i = 0; i < hosts.size(); i++) {
            s.add(event(i, ids.get(i), hosts.get(i), 1, false));
        }
        List<String> back = new ArrayList<>();
        s.read(false, e -> back.add(e.host()));
        assertThat(back).containsExactlyElementsOf(hosts);
        IdIndex.Built all = s.deduplicate(hosts.size(), dir.resolve(name + ".ids"), 100);
        assertThat(s.sealed(hosts.size(), all).hosts()).containsOnly(
                Map.entry("web-0", 1500L), Map.entry("web-1", 1500L));
        all.index().close();
        long size = Files.size(spill);
        s.close();
        return size;
    }

    @Test
    void aHugeHostRoundTripsAndADamagedSpillFileIsUnreadableNotACrash() throws IOException {
        Path spill = dir.resolve("s.spill");
        BucketStage s = new BucketStage(new BucketId("T", H), 0, spill, BlockMemory.NONE, lateIds, names);
        String host = "h".repeat(70_000);
        s.add(event(1, UUID.randomUUID().toString(), host, 1, false));
        assertThat(s.sealed(1, s.deduplicate(1, dir.resolve("i.ids"), 10)).hosts()).containsOnlyKeys(host);

        // The frame: its length (4 bytes), id (16), flags, offset, version (a byte each), then the host's length.
        byte[] bytes = Files.readAllBytes(spill);
        int flags = 20;
        int version = 22;
        int hostLength = 23;
        assertThat(bytes[flags]).as("a JSON event, not late, its host named").isZero();
        assertUnreadable(s, spill, damaged(bytes, hostLength, 0x80, 0x89, 0x7A),
                "damaged record length 1000000 for a host");
        assertUnreadable(s, spill, damaged(bytes, hostLength, 0x01), "damaged record length -1 for a host");
        assertUnreadable(s, spill, damaged(bytes, flags, 16), "leaves out its host, and no frame before it named one");
        assertUnreadable(s, spill, damaged(bytes, flags, 8), "in blocks, and there are none");
        assertUnreadable(s, spill, damaged(bytes, flags, 3 << 1), "damaged form 3");
        assertUnreadable(s, spill, damaged(bytes, flags, 0x80), "damaged flags 128");
        assertUnreadable(s, spill, damaged(bytes, 0, 0xFF), "damaged record length");
        assertUnreadable(s, spill, damaged(bytes, 0, 0, 0, 0, 16 + 3), "its numbers run past its end");
        assertUnreadable(s, spill, damaged(bytes, version, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F), "where an int belongs");
        assertUnreadable(s, spill, java.util.Arrays.copyOf(bytes, bytes.length - 1), "cut short");
        assertThat(dir.resolve("j.ids")).as("a failed build leaves no index").doesNotExist();
        s.close();
    }

    /** {@code bytes} with {@code values} written from {@code at} on. */
    private static byte[] damaged(byte[] bytes, int at, int... values) {
        byte[] copy = bytes.clone();
        for (int i = 0; i < values.length; i++) {
            copy[at + i] = (byte) values[i];
        }
        return copy;
    }

    /** Neither the seal's pass over the ids nor a read of the events takes {@code bytes} as a spill file. */
    private void assertUnreadable(BucketStage s, Path spill, byte[] bytes, String why) throws IOException {
        Files.write(spill, bytes);
        assertThatThrownBy(() -> s.deduplicate(1, dir.resolve("j.ids"), 10)).isInstanceOf(SpillFile.Unreadable.class)
                .hasMessageContaining(why);
        assertThatThrownBy(() -> s.read(true, e -> { })).isInstanceOf(SpillFile.Unreadable.class)
                .hasMessageContaining(why);
    }

    @Test
    void offsetsFarApartOrOutOfOrderReadBackAsStaged() throws IOException {
        BucketStage s = new BucketStage(new BucketId("T", H), 0, dir.resolve("s.spill"), BlockMemory.NONE, lateIds,
                names);
        List<Long> offsets = List.of(7_000_000_000L, 7_000_000_001L, 3L, Long.MAX_VALUE, 0L, 1L << 40);
        for (long offset : offsets) {
            s.add(event(offset, UUID.randomUUID().toString(), "h", 1, false));
        }
        List<Long> back = new ArrayList<>();
        s.read(false, e -> back.add(e.offset()));
        assertThat(back).containsExactlyElementsOf(offsets);
        IdIndex.Built upTo = s.deduplicate(7_000_000_000L, dir.resolve("i.ids"), 100);
        assertThat(s.sealed(7_000_000_000L, upTo).events()).as("the seal reads the offsets as staged").isEqualTo(3);
        upTo.index().close();
        s.close();
    }

    @Test
    void eachEventKeepsItsHostAndTheSealCountsEveryHostWhateverItsRuns() throws IOException {
        BucketStage s = new BucketStage(new BucketId("T", H), 0, dir.resolve("s.spill"), BlockMemory.NONE, lateIds,
                names);
        // Runs of one host (as packs come), hosts of one length that differ in a byte, and hosts that come back.
        List<String> hosts = new ArrayList<>();
        Random random = new Random(7);
        while (hosts.size() < 3000) {
            String host = random.nextInt(10) == 0 ? null : "h" + random.nextInt(12);
            for (int n = 1 + random.nextInt(random.nextBoolean() ? 3 : 40); n > 0; n--) {
                hosts.add(host);
            }
        }
        Map<String, Long> expected = new TreeMap<>();
        for (int i = 0; i < hosts.size(); i++) {
            s.add(event(i, UUID.randomUUID().toString(), hosts.get(i), 1, false));
            expected.merge(hosts.get(i) == null ? "" : hosts.get(i), 1L, Long::sum);
        }
        List<String> back = new ArrayList<>();
        s.read(true, e -> back.add(e.host()));
        assertThat(back).containsExactlyElementsOf(hosts.stream().map(h -> h == null ? "" : h).toList());
        IdIndex.Built ids = s.deduplicate(hosts.size(), dir.resolve("s.ids"), 1000);
        assertThat(s.sealed(hosts.size(), ids).hosts()).isEqualTo(expected);
        assertThat(s.sealedAll().hosts()).as("as counted while staging").isEqualTo(expected);
        ids.index().close();
        s.close();
    }

    @Test
    void stagesCountTheirHostsByOneCopyOfEachName() throws IOException {
        BucketStage a = new BucketStage(new BucketId("T", H), 0, dir.resolve("a.spill"), BlockMemory.NONE, lateIds,
                names);
        BucketStage b = new BucketStage(new BucketId("U", H), 1, dir.resolve("b.spill"), BlockMemory.NONE, lateIds,
                names);
        // Each event's host is a string of its own: event() parses its header from its bytes.
        a.add(event(1, UUID.randomUUID().toString(), "host-1", 1, false));
        a.add(event(2, UUID.randomUUID().toString(), "host-2", 1, false));
        b.add(event(1, UUID.randomUUID().toString(), "host-1", 1, false));
        String inA = a.sealedAll().hosts().keySet().iterator().next();
        String inB = b.sealedAll().hosts().keySet().iterator().next();
        assertThat(inA).isEqualTo("host-1").isSameAs(inB);
        assertThat(a.sealedAll().hosts()).containsExactly(Map.entry("host-1", 1L), Map.entry("host-2", 1L));
        a.close();
        b.close();
    }

    @Test
    void aStageWithoutEventsHasNoFile() throws IOException {
        BucketStage s = new BucketStage(new BucketId("T", H), 3, dir.resolve("never.spill"), BlockMemory.NONE,
                lateIds, names);
        IdIndex.Built ids = s.deduplicate(100, dir.resolve("i.ids"), 10);
        assertThat(ids.index().size()).isZero();
        assertThat(s.sealed(100, ids)).isEqualTo(new BucketStage.Sealed(0, 0, 0, Map.of()));
        ids.index().close();
        s.close();
        assertThat(dir.resolve("never.spill")).doesNotExist();
    }

    @Test
    void lateIdsBeyondTheWritersHeapForThemGoOnInAFileAndAnswerAsBefore() throws IOException {
        long budget = 100 * 1024;  // tables of 24, 48 and 96 KiB: the third does not fit beside the second
        MemoryBudget heap = new MemoryBudget(budget);
        BucketStage s = new BucketStage(new BucketId("T", H.plusSeconds(3 * 3600)), 0, dir.resolve("s.spill"),
                BlockMemory.NONE, heap, names);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            s.add(event(10 + 2L * i, id, "h", 1, true));
            s.add(event(11 + 2L * i, UUID.randomUUID().toString(), "h", 1, false));
            assertThat(heap.reserved()).isLessThanOrEqualTo(budget);
        }
        assertThat(s.lateIdsOnDisk()).isTrue();
        assertThat(heap.reserved()).as("the table left the heap").isZero();
        assertThat(lateFiles()).hasSize(1);
        for (int i = 0; i < ids.size(); i++) {
            assertThat(s.containsLate(ids.get(i), 10 + 2L * i)).isTrue();
            assertThat(s.containsLate(ids.get(i), 9 + 2L * i)).as("staged above the offset asked").isFalse();
        }
        assertThat(s.containsLate(UUID.randomUUID().toString(), Long.MAX_VALUE)).isFalse();

        BucketStage other = new BucketStage(new BucketId("T", H.plusSeconds(4 * 3600)), 0, dir.resolve("o.spill"),
                BlockMemory.NONE, new MemoryBudget(0), names);
        other.add(event(1, ids.get(0), "h", 1, true));
        assertThat(other.lateIdsOnDisk()).as("no heap at all: the first id goes to disk").isTrue();
        assertThat(other.containsLate(ids.get(0), 1)).isTrue();
        s.close();
        other.close();
        assertThat(lateFiles()).isEmpty();
    }

    @Test
    void lateIdsWithinTheHeapForThemStayThereAndGiveItBackWhenTheStageCloses() throws IOException {
        MemoryBudget heap = new MemoryBudget(64L << 20);
        BucketStage s = new BucketStage(new BucketId("T", H), 0, dir.resolve("s.spill"), BlockMemory.NONE, heap, names);
        s.add(event(1, UUID.randomUUID().toString(), "h", 1, false));
        assertThat(heap.reserved()).as("no late event, no table").isZero();
        String late = UUID.randomUUID().toString();
        s.add(event(2, late, "h", 1, true));
        assertThat(heap.reserved()).isPositive();
        assertThat(s.lateIdsOnDisk()).isFalse();
        assertThat(s.containsLate(late, 2)).isTrue();
        s.close();
        assertThat(heap.reserved()).isZero();
        assertThat(lateFiles()).isEmpty();
    }

    private List<Path> lateFiles() throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().contains(".late")).toList();
        }
    }
}
