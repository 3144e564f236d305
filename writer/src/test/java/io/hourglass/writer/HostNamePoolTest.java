package io.hourglass.writer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.threeten.extra.MutableClock;

class HostNamePoolTest {
    private final MutableClock clock = MutableClock.of(Instant.parse("2026-12-06T10:15:00Z"), ZoneOffset.UTC);
    private final HostNamePool names = new HostNamePool(clock);

    /** A copy of {@code s} that is equal to it but not the same object, as a decoded record's host is. */
    private static String copy(String s) {
        return new String(s.toCharArray());
    }

    @Test
    void equalNamesGiveOneCopy() {
        String first = copy("host-1.example.net");
        assertThat(names.canonical(first)).isSameAs(first);
        assertThat(names.canonical(copy("host-1.example.net"))).isSameAs(first);
        assertThat(names.canonical(copy("host-2.example.net"))).isNotSameAs(first).isEqualTo("host-2.example.net");
        assertThat(names.size()).isEqualTo(2);
    }

    @Test
    void aNameAskedForInEveryGenerationKeepsItsCopy() {
        String first = names.canonical(copy("h"));
        for (int i = 0; i < 5; i++) {
            clock.add(HostNamePool.GENERATION);
            assertThat(names.canonical(copy("h"))).isSameAs(first);
        }
        assertThat(names.size()).isEqualTo(1);
    }

    @Test
    void aNameNotAskedForDuringAWholeGenerationIsForgotten() {
        String quiet = names.canonical(copy("quiet"));
        String busy = names.canonical(copy("busy"));
        clock.add(HostNamePool.GENERATION);
        assertThat(names.canonical(copy("busy"))).isSameAs(busy);
        assertThat(names.size()).as("the last generation's names are still held").isEqualTo(2);
        clock.add(HostNamePool.GENERATION.minusMillis(1));
        assertThat(names.canonical(copy("busy"))).isSameAs(busy);
        assertThat(names.size()).isEqualTo(2);
        clock.add(Duration.ofMillis(1));
        assertThat(names.canonical(copy("busy"))).isSameAs(busy);
        assertThat(names.size()).isEqualTo(1);
        String again = copy("quiet");
        assertThat(names.canonical(again)).isSameAs(again).isNotSameAs(quiet);
    }

    @Test
    void aClockThatGoesBackStartsNoGeneration() {
        String first = names.canonical(copy("h"));
        clock.add(HostNamePool.GENERATION.multipliedBy(-3));
        names.canonical(copy("other"));
        clock.add(HostNamePool.GENERATION.multipliedBy(3).minusMillis(1));
        assertThat(names.canonical(copy("h"))).isSameAs(first);
        assertThat(names.size()).isEqualTo(2);
    }
}
