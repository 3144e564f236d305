package io.hourglass.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * The bench's figures as a person reads them: tables of the throughputs, the rounds and the type counts, then latency,
 * bucket close times, CPU and memory. Rendered from the same JSON tree that {@code --json} writes, so the two agree.
 */
final class BenchReport {
    private BenchReport() {
    }

    static String render(JsonNode r) {
        StringBuilder out = new StringBuilder();
        int types = r.path("types").asInt();
        double eventSize = r.path("event_size_bytes").asDouble();
        out.append("\nbench: results (this machine, one run; every ratio is against raw Kafka measured in the same")
                .append(" run, on the same broker)\n\n");

        out.append(String.format(Locale.ROOT, "Throughput, %d types (%s events a run, %d bytes each, %d hosts; end to"
                        + " end: round %d of %d, the median ratio)%n", types,
                count(r.path("events_per_e2e_run")), r.path("event_size_bytes").asInt(), r.path("hosts").asInt(),
                r.path("headline_round").asInt(), r.path("rounds").size()));
        Table throughput = new Table("", "events/s", "MB/s", "ratio");
        throughput.row("raw Kafka produce", count(r.path("kafka_produce_eps")),
                mb(r.path("kafka_produce_eps"), eventSize), "");
        throughput.row("raw Kafka consume", count(r.path("kafka_consume_eps")),
                mb(r.path("kafka_consume_eps"), eventSize), "");
        throughput.row("collector ingest alone", count(r.path("ingest_eps")), mb(r.path("ingest_eps"), eventSize),
                fixed(r.path("ratio_ingest_to_produce"), 3) + " of produce");
        throughput.row("end to end", count(r.path("e2e_eps")), mb(r.path("e2e_eps"), eventSize),
                fixed(r.path("ratio_e2e_to_produce"), 3) + " of produce");
        throughput.row("writers alone", count(r.path("writer_eps")), mb(r.path("writer_eps"), eventSize),
                fixed(r.path("ratio_writer_to_consume"), 3) + " of consume");
        out.append(throughput).append('\n');

        out.append("Rounds: raw Kafka produce, then end to end right after it (* the headline)\n");
        Table rounds = new Table("round", "raw produce/s", "end to end/s", "ratio", "CPU-s/M events",
                "without JIT", "raw CPU-s/M");
        int round = 0;
        for (JsonNode one : r.path("rounds")) {
            round++;
            rounds.row(round + (round == r.path("headline_round").asInt() ? "*" : ""),
                    count(one.path("kafka_produce_eps")), count(one.path("e2e_eps")),
                    fixed(one.path("ratio_e2e_to_produce"), 3), fixed(one.path("cpu_s_per_million_events"), 2),
                    fixed(one.path("cpu_s_per_million_events_without_jit"), 2),
                    fixed(one.path("kafka_produce_cpu_s_per_million_events"), 2));
        }
        out.append(rounds).append('\n');

        out.append(String.format(Locale.ROOT, "By the number of types (CPU per event against %d types'; latency at"
                + " half each count's end-to-end rate)%n", types));
        Table byCount = new Table("types", "raw produce/s", "end to end/s", "ratio", "CPU-s/M events",
                "vs " + types, "raw vs " + types, "p50/p99/p99.9/max ms", "heap MB");
        List<String> counts = new ArrayList<>();
        r.path("by_type_count").fieldNames().forEachRemaining(counts::add);
        counts.sort(Comparator.comparingInt(Integer::parseInt));
        for (String count : counts) {
            JsonNode n = r.path("by_type_count").path(count);
            byCount.row(count, count(n.path("kafka_produce_eps")), count(n.path("e2e_eps")),
                    fixed(n.path("ratio_e2e_to_produce"), 3), fixed(n.path("cpu_s_per_million_events"), 2),
                    // The top level holds the headline round's figures: those of the main count.
                    times(n.path("cpu_s_per_million_events"), r.path("cpu_s_per_million_events")),
                    times(n.path("kafka_produce_cpu_s_per_million_events"),
                            r.path("kafka_produce_cpu_s_per_million_events")),
                    percentiles(n.path("latency_ack_ms")), fixed(n.path("heap_peak_mb"), 0));
        }
        out.append(byCount).append('\n');

        JsonNode ack = r.path("latency_ack_ms");
        out.append(String.format(Locale.ROOT, "Latency from logged_at to in Kafka, %d types at half the end-to-end"
                + " rate (%s events/s)%n", types, count(r.path("latency_rate_eps"))));
        out.append(String.format(Locale.ROOT, "  p50/p99/p99.9/max %s ms; %s samples, %s missing%n", percentiles(ack),
                count(ack.path("samples")), count(ack.path("missing"))));
        out.append("  p99 by second of the sampled time (ms): ")
                .append(list(ack.path("p99_by_second"), n -> fixed(n, 0))).append('\n');
        JsonNode hour = r.path("hour_close_ms");
        out.append(String.format(Locale.ROOT, "Buckets: the hour that ended in the latency phase closed %s of its %d,"
                        + " after its end plus the agents' %d s grace: p50 %s s, max %s s%n",
                count(hour.path("samples")), hour.path("samples").asInt() + hour.path("missing").asInt(),
                r.path("hour_close_grace_s").asInt(), seconds(hour.path("p50")), seconds(hour.path("max"))));
        out.append(String.format(Locale.ROOT, "  end to end: the last bucket closed %s s after the last event was in"
                + " Kafka%n", fixed(r.path("bucket_close_delay_s"), 2)));

        out.append(String.format(Locale.ROOT, "CPU-s per million events: end to end %s (%s without the JIT), raw"
                        + " Kafka produce %s, writers alone %s%n",
                fixed(r.path("cpu_s_per_million_events"), 2), fixed(r.path("cpu_s_per_million_events_without_jit"), 2),
                fixed(r.path("kafka_produce_cpu_s_per_million_events"), 2),
                fixed(r.path("writer_cpu_s_per_million_events"), 2)));
        out.append("  end to end by component: ").append(shares(r.path("cpu_share"))).append('\n');
        out.append("  raw Kafka produce by component (bench_driver: the producer): ")
                .append(shares(r.path("kafka_produce_cpu_share"))).append('\n');
        out.append(String.format(Locale.ROOT, "Memory: heap after GC at most %s MB (the heap pools' peaks summed: %s"
                        + " MB, of a %s MB heap); RSS at most %s MB%n", fixed(r.path("heap_peak_mb"), 0),
                fixed(r.path("heap_pools_peak_mb"), 0), fixed(r.path("max_heap_mb"), 0),
                fixed(r.path("rss_peak_mb"), 0)));
        out.append(String.format(Locale.ROOT, "JVM: %s %s, %d cores%n", r.path("jvm").path("version").asText(),
                list(r.path("jvm").path("args"), JsonNode::asText), r.path("cores").asInt()));
        return out.toString();
    }

    /** A whole number with thousands separators, or a dash where the figure is missing. */
    private static String count(JsonNode n) {
        return n.isNumber() ? String.format(Locale.ROOT, "%,.0f", n.asDouble()) : "-";
    }

    private static String fixed(JsonNode n, int decimals) {
        return n.isNumber() ? String.format(Locale.ROOT, "%." + decimals + "f", n.asDouble()) : "-";
    }

    private static String mb(JsonNode eps, double eventSize) {
        return eps.isNumber() ? String.format(Locale.ROOT, "%.1f", eps.asDouble() * eventSize / 1e6) : "-";
    }

    private static String seconds(JsonNode ms) {
        return ms.isNumber() ? String.format(Locale.ROOT, "%.2f", ms.asDouble() / 1000) : "-";
    }

    private static String times(JsonNode value, JsonNode base) {
        return value.isNumber() && base.isNumber() && base.asDouble() > 0
                ? String.format(Locale.ROOT, "%.2fx", value.asDouble() / base.asDouble()) : "-";
    }

    private static String percentiles(JsonNode stats) {
        return List.of("p50", "p99", "p999", "max").stream().map(k -> fixed(stats.path(k), 0))
                .collect(Collectors.joining("/"));
    }

    /** The items of an array, each as {@code item} shows it. */
    private static String list(JsonNode array, Function<JsonNode, String> item) {
        return StreamSupport.stream(array.spliterator(), false).map(item).collect(Collectors.joining(" ", "[", "]"));
    }

    /** CPU shares as percentages, largest first, those under 0.5% left out. */
    private static String shares(JsonNode shares) {
        List<Map.Entry<String, Double>> parts = new ArrayList<>();
        shares.fields().forEachRemaining(e -> parts.add(Map.entry(e.getKey(), e.getValue().asDouble())));
        return parts.stream().filter(e -> e.getValue() >= 0.005)
                .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
                .map(e -> String.format(Locale.ROOT, "%s %.0f%%", e.getKey(), e.getValue() * 100))
                .collect(Collectors.joining(", "));
    }

    /** Columns sized to their widest cell; the first is aligned left, the figures right. */
    private static final class Table {
        private final List<String[]> rows = new ArrayList<>();

        Table(String... headers) {
            rows.add(headers);
        }

        void row(String... cells) {
            rows.add(cells);
        }

        @Override
        public String toString() {
            int[] widths = new int[rows.get(0).length];
            rows.forEach(row -> {
                for (int i = 0; i < row.length; i++) {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            });
            StringBuilder b = new StringBuilder();
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder("  ");
                for (int i = 0; i < row.length; i++) {
                    String pad = " ".repeat(widths[i] - row[i].length());
                    line.append(i == 0 ? row[i] + pad : "   " + pad + row[i]);
                }
                b.append(line.toString().stripTrailing()).append('\n');
            }
            return b.toString();
        }
    }
}
