package io.hourglass.writer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdOffsetsTest {
    @Test
    void keepsTheFirstOffsetOfEveryIdThroughManyResizes() {
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
    void aCanonicalUuidIsItsOwnBitsAndOtherSpellingsStayDistinctIds() {
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
}
