package io.hourglass.cli.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Percentiles of a set of latency samples, in milliseconds. */
record Stats(double p50, double p99, double p999, double max, int samples) {
    static Stats of(long[] micros, int n) {
        if (n == 0) {
            return new Stats(0, 0, 0, 0, 0);
        }
        long[] s = Arrays.copyOf(micros, n);
        Arrays.sort(s);
        return new Stats(at(s, 0.50), at(s, 0.99), at(s, 0.999), s[n - 1] / 1000.0, n);
    }

    private static double at(long[] sorted, double q) {
        int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1000.0;
    }

    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("p50", p50);
        m.put("p99", p99);
        m.put("p999", p999);
        m.put("max", max);
        m.put("samples", samples);
        return m;
    }
}
