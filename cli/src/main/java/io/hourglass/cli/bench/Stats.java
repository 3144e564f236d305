package io.hourglass.cli.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
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
