package io.hourglass.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdOffsetsTest {
    @Test
    void keepsTheFirstOffsetOfEveryIdThroughManyResizes() throws IOException {
        IdOffsets ids = new IdOffsets();
        List<String> all = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            String id = i % 10 == 0 ? "custom-" + random.nextLong() : UUID.randomUUID().toString();
            all.add(id);
            assertThat(ids.putIfAbsent(id, i)).isTrue();
        }
        for (int i = 0; i < all.size(); i++) {
            assertThat(ids.putIfAbsent(all.get(i), 1_000_000 + i)).isFalse();
            assertThat(ids.offset(all.get(i))).isEqualTo(i);
        }
        assertThat(ids.size()).isEqualTo(all.size());
        assertThat(ids.offset(UUID.randomUUID().toString())).isEqualTo(-1);
        assertThat(ids.contains("custom-unknown")).isFalse();
    }

    @Test
    void aCanonicalUuidIsItsOwnBitsAndOtherSpellingsStayDistinctIds() throws IOException {
        UUID u = UUID.randomUUID();
        assertThat(IdOffsets.key(u.toString())).containsExactly(u.getMostSignificantBits(),
                u.getLeastSignificantBits());
        IdOffsets ids = new IdOffsets();
        assertThat(ids.putIfAbsent(u.toString(), 1)).isTrue();
        assertThat(ids.putIfAbsent(u.toString().toUpperCase(), 2)).isTrue();
        assertThat(ids.putIfAbsent("1-2-3-4-5", 3)).isTrue();
        assertThat(ids.putIfAbsent("1-2-3-4-5", 4)).isFalse();
        assertThat(ids.offset(u.toString().toUpperCase())).isEqualTo(2);
    }

    @Test
    void aTableInFilesAnswersAsOneOnTheHeapAndLeavesNoFileBehind(@TempDir Path dir) throws IOException {
        AtomicInteger made = new AtomicInteger();
        IdOffsets inFiles = new IdOffsets(length -> MappedSlots.create(dir.resolve("t" + made.incrementAndGet()),
                length));
        IdOffsets onHeap = new IdOffsets();
        Random random = new Random(11);
        List<String> all = new ArrayList<>();
        all.add("00000000-0000-0000-0000-000000000000");  // the all-zero key is an id like any other
        for (int i = 0; i < 50_000; i++) {
            all.add(i % 7 == 0 ? "custom-" + random.nextLong() : UUID.randomUUID().toString());
        }
        for (int i = 0; i < all.size(); i++) {
            long offset = random.nextInt(3) == 0 && i > 0 ? random.nextInt(i) : i;  // ids come again
            String id = random.nextInt(3) == 0 && i > 0 ? all.get(random.nextInt(i)) : all.get(i);
            assertThat(inFiles.putIfAbsent(id, offset)).isEqualTo(onHeap.putIfAbsent(id, offset));
        }
        assertThat(made.get()).as("grown through several files").isGreaterThan(4);
        assertThat(files(dir)).as("only the table in use is on disk").hasSize(1);
        assertThat(inFiles.size()).isEqualTo(onHeap.size());
        for (String id : all) {
            assertThat(inFiles.offset(id)).isEqualTo(onHeap.offset(id));
        }
        assertThat(inFiles.offset(UUID.randomUUID().toString())).isEqualTo(-1);
        inFiles.close();
        assertThat(files(dir)).isEmpty();
        assertThat(inFiles.offset(all.get(0))).as("a closed table holds nothing").isEqualTo(-1);
    }

    @Test
    void aTableThatCannotGrowStaysAsItWas() throws IOException {
        AtomicInteger made = new AtomicInteger();
        IdOffsets ids = new IdOffsets(length -> {
            if (made.incrementAndGet() > 1) {
                throw new IOException("disk full");
            }
            return Slots.onHeap(length);
        });
        List<String> all = new ArrayList<>();
        assertThatThrownBy(() -> {
            for (int i = 0; i < 10_000; i++) {
                String id = UUID.randomUUID().toString();
                ids.putIfAbsent(id, i);
                all.add(id);
            }
        }).hasMessage("disk full");
        assertThat(all).hasSizeGreaterThan(100);
        assertThat(ids.size()).isEqualTo(all.size());
        for (int i = 0; i < all.size(); i++) {
            assertThat(ids.offset(all.get(i))).isEqualTo(i);
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
