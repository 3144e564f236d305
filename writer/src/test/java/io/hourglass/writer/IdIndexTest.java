package io.hourglass.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdIndexTest {
    @TempDir
    Path dir;

    /** A copy of an id: its key, its offset, its index. */
    private record Copy(long high, long low, long offset, long index) { }

    /** Copies of 20,000 ids, a third of them repeated up to four times, at offsets that are not in index order. */
    private static List<Copy> copies(Random random) {
        List<long[]> ids = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            // Some keys share their high or low bits, and one is all zero, which marks an empty slot on disk.
            long high = i % 50 == 0 ? 7 : random.nextLong();
            long low = i % 70 == 0 ? 9 : random.nextLong();
            ids.add(i == 1234 ? new long[] {0, 0} : new long[] {high, low});
        }
        List<Copy> copies = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            int which = i < 20_000 ? i : random.nextInt(ids.size() / 3);
            long[] id = ids.get(which);
            // Late events moved in from an earlier hour have offsets below those already staged; the events of a pack
            // share one, so some copies have the offset of the first.
            long offset = random.nextInt(10) == 0 ? random.nextInt(1000) : i / 3;
            if (i >= 20_000 && random.nextInt(4) == 0) {
                offset = copies.get(which).offset();
            }
            copies.add(new Copy(id[0], id[1], offset, copies.size()));
        }
        java.util.Collections.shuffle(copies.subList(20_000, 30_000), random);
        copies.add(new Copy(0, 0, 1, 30_000));  // the all-zero key once more
        return copies;
    }

    /** What every copy but the one with the lowest (offset, index) of each id is. */
    private static long[] expectedDrops(List<Copy> copies) {
        Map<List<Long>, Copy> kept = new HashMap<>();
        List<Long> drops = new ArrayList<>();
        for (Copy c : copies) {
            Copy k = kept.get(List.of(c.high(), c.low()));
            if (k == null) {
                kept.put(List.of(c.high(), c.low()), c);
            } else if (c.offset() < k.offset() || (c.offset() == k.offset() && c.index() < k.index())) {
                drops.add(k.index());
                kept.put(List.of(c.high(), c.low()), c);
            } else {
                drops.add(c.index());
            }
        }
        return drops.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    private static IdIndex.Keys keysOf(List<Copy> copies) {
        return visitor -> {
            for (Copy c : copies) {
                visitor.key(c.high(), c.low(), c.offset(), c.index());
            }
        };
    }

    @Test
    void keepsTheLowestCopyOfEachIdInMemoryOrThroughPartitionsOnDisk() throws IOException {
        List<Copy> copies = copies(new Random(11));
        long[] drops = expectedDrops(copies);
        long distinct = copies.size() - drops.length;
        assertThat(drops.length).as("the test has duplicates").isGreaterThan(5_000);
        for (int memoryIds : new int[] {1 << 20, 10_000, 1000, 100}) {
            Path file = dir.resolve("ids-" + memoryIds);
            IdIndex.Built built = IdIndex.build(file, keysOf(copies), copies.size(), memoryIds);
            assertThat(built.drops()).as("with room for %d ids", memoryIds).containsExactly(drops);
            assertThat(built.index().size()).isEqualTo(distinct);
            // Each table is filled to the load factor (0.6 of its slots; at least 16), not rounded up to a power of
            // two: at most 16 bytes a key over 0.6, plus a few slots and a capacity for each of at most 512 tables.
            assertThat(built.index().bytes()).isLessThan((long) (copies.size() / 0.6 * 16) + 512 * (17 * 16 + 4) + 9);
            for (Copy c : copies) {
                assertThat(built.index().contains(c.high(), c.low())).isTrue();
                assertThat(built.dropped(c.index())).isEqualTo(java.util.Arrays.binarySearch(drops, c.index()) >= 0);
            }
            Random other = new Random(memoryIds);
            for (int i = 0; i < 20_000; i++) {
                assertThat(built.index().contains(other.nextLong(), other.nextLong())).isFalse();
                assertThat(built.index().contains(7, other.nextLong())).isFalse();
            }
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).as("no scratch file is left")
                        .noneMatch(n -> n.contains(".part-"));
            }
            built.index().close();
            assertThat(file).doesNotExist();
        }
    }

    @Test
    void anIdThatIsNotACanonicalUuidIsFoundByItsText() throws IOException {
        long[] key = IdOffsets.key("order-42");
        IdIndex.Built built = IdIndex.build(dir.resolve("i"), v -> v.key(key[0], key[1], 3, 0), 1, 10);
        assertThat(built.index().contains("order-42")).isTrue();
        assertThat(built.index().contains("order-43")).isFalse();
        assertThat(built.index().contains(0, 0)).as("the all-zero key was not added").isFalse();
        built.index().close();
    }

    @Test
    void moreIdsThanExpectedIsAnErrorAndLeavesNoFile() {
        Path file = dir.resolve("i");
        assertThatThrownBy(() -> IdIndex.build(file, v -> {
            for (int i = 0; i < 100; i++) {
                v.key(i + 1, i, i, i);
            }
        }, 10, 1000)).isInstanceOf(IllegalStateException.class).hasMessageContaining("more ids than the expected");
        assertThat(file).doesNotExist();
    }
}
