package io.hourglass.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void percentilesAreNearestRankOverTheFirstNSamples() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        int n = 1 + r.nextInt(5000);
        long[] micros = new long[n + 100];
        for (int i = 0; i < micros.length; i++) {
            micros[i] = r.nextLong(10_000_000);
        }
        long[] sorted = Arrays.copyOf(micros, n);
        Arrays.sort(sorted);

        Stats s = Stats.of(micros, n, 7);

        // Nearest rank: the smallest sample with at least q of the samples at or below it.
        for (double[] qp : new double[][] {{0.50, s.p50()}, {0.99, s.p99()}, {0.999, s.p999()}}) {
            long v = Math.round(qp[1] * 1000);
            long atOrBelow = Arrays.stream(sorted).filter(x -> x <= v).count();
            long below = Arrays.stream(sorted).filter(x -> x < v).count();
            assertThat(atOrBelow).isGreaterThanOrEqualTo((long) Math.ceil(qp[0] * n));
            assertThat(below).isLessThan((long) Math.ceil(qp[0] * n));
        }
        assertThat(s.max()).isEqualTo(sorted[n - 1] / 1000.0);
        assertThat(s.samples()).isEqualTo(n);
        assertThat(s.json()).containsEntry("missing", 7L).containsEntry("p50", s.p50());
    }

    @Test
    void eachSecondHasThePercentileOfItsOwnSamplesAndASecondWithoutSamplesIsNull() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        int n = 3000;
        long[] micros = new long[n + 10];
        int[] second = new int[n + 10];
        for (int i = 0; i < n; i++) {
            second[i] = r.nextBoolean() ? 0 : 2;  // second 1 gets none
            micros[i] = r.nextLong(second[i] == 0 ? 1_000_000 : 50_000_000);
        }

        List<Double> bySecond = Stats.p99BySecond(micros, second, n);

        assertThat(bySecond).hasSize(3);
        assertThat(bySecond.get(1)).isNull();
        for (int s : new int[] {0, 2}) {
            long[] own = new long[n];
            int k = 0;
            for (int i = 0; i < n; i++) {
                if (second[i] == s) {
                    own[k++] = micros[i];
                }
            }
            assertThat(bySecond.get(s)).isEqualTo(Stats.of(own, k, 0).p99());
        }
        // Fewer than 1% of each second's samples lie above its p99, so fewer than 1% of all do.
        double overall = Stats.of(micros, n, 0).p99();
        assertThat(overall).isBetween(Math.min(bySecond.get(0), bySecond.get(2)),
                Math.max(bySecond.get(0), bySecond.get(2)));
    }

    @Test
    void withoutSamplesThePercentilesAreNullNotZero() {
        Map<String, Object> json = Stats.of(new long[10], 0, 42).json();

        assertThat(json).containsEntry("p50", null).containsEntry("p99", null).containsEntry("p999", null)
                .containsEntry("max", null).containsEntry("samples", 0).containsEntry("missing", 42L);
    }
}
