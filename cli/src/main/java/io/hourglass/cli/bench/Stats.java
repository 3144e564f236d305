package io.hourglass.cli.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Percentiles of a set of latency samples, in milliseconds (nearest rank).
 *
 * @param missing events that should have been sampled but never arrived before the bench stopped waiting
 */
record Stats(double p50, double p99, double p999, double max, int samples, long missing) {
    static Stats of(long[] micros, int n, long missing) {
        if (n == 0) {
            return new Stats(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, missing);
        }
        long[] s = Arrays.copyOf(micros, n);
        Arrays.sort(s);
        return new Stats(at(s, 0.50), at(s, 0.99), at(s, 0.999), s[n - 1] / 1000.0, n, missing);
    }

    /**
     * The p99 of each second's samples, in order, {@code second[i]} being the second of {@code micros[i]}; a second
     * without samples is null. A tail that is one stall shows in a few seconds, a saturated phase in most.
     */
    static List<Double> p99BySecond(long[] micros, int[] second, int n) {
        int seconds = 0;
        for (int i = 0; i < n; i++) {
            seconds = Math.max(seconds, second[i] + 1);
        }
        long[][] bySecond = new long[seconds][];
        int[] counts = new int[seconds];
        for (int i = 0; i < n; i++) {
            counts[second[i]]++;
        }
        for (int s = 0; s < seconds; s++) {
            bySecond[s] = new long[counts[s]];
            counts[s] = 0;
        }
        for (int i = 0; i < n; i++) {
            bySecond[second[i]][counts[second[i]]++] = micros[i];
        }
        List<Double> p99s = new ArrayList<>();
        for (long[] one : bySecond) {
            p99s.add(one.length == 0 ? null : of(one, one.length, 0).p99());
        }
        return p99s;
    }

    private static double at(long[] sorted, double q) {
        int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1000.0;
    }

    /** Without samples the percentiles are null: a zero would read as a measured latency. */
    Map<String, Object> json() {
        boolean measured = samples > 0;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("p50", measured ? p50 : null);
        m.put("p99", measured ? p99 : null);
        m.put("p999", measured ? p999 : null);
        m.put("max", measured ? max : null);
        m.put("samples", samples);
        m.put("missing", missing);
        return m;
    }
}
