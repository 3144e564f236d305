package io.hourglass.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hourglass.core.Json;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The printed report shows the JSON's figures in tables a person can read, whatever the JSON leaves out. */
class BenchReportTest {
    private static final double CPU_AT_10 = 7.61;
    private static final double CPU_AT_100 = 11.07;
    private static final double RAW_CPU_AT_10 = 1.72;
    private static final double RAW_CPU_AT_100 = 3.96;

    @Test
    void throughputRoundsAndTypeCountsAreTables() {
        ObjectNode r = figures();
        List<String> lines = render(r);

        assertThat(row(lines, "end to end")).containsSubsequence("252,345", String.format(Locale.ROOT, "%.1f",
                252_345.4 * 300 / 1e6), String.format(Locale.ROOT, "%.3f", 252_345.4 / 1_022_000.0), "of produce");
        assertThat(row(lines, "writers alone")).contains("of consume");
        assertThat(row(lines, "2*")).as("the headline round is marked").contains("1,022,000", "252,345");
        assertThat(row(lines, "1 ")).doesNotContain("*");

        List<String> byCount = lines.subList(lines.indexOf(row(lines, "types ")), lines.size());
        assertThat(byCount.subList(1, 4)).extracting(l -> l.strip().split(" +")[0])
                .as("ordered by count, not as the JSON lists them").containsExactly("1", "10", "100");
        assertThat(row(byCount, "100 ")).as("cost per event against the main count's, Hourglass's and raw Kafka's")
                .containsSubsequence(String.format(Locale.ROOT, "%.2fx", CPU_AT_100 / CPU_AT_10),
                        String.format(Locale.ROOT, "%.2fx", RAW_CPU_AT_100 / RAW_CPU_AT_10));
        assertThat(row(byCount, "10 ")).contains("1.00x", "21/131/256/281");
        assertThat(row(byCount, "1 ")).as("a count without latency samples").contains("-/-/-/-");
    }

    @Test
    void eachTableLinesUpItsColumns() {
        List<String> lines = render(figures());
        int header = lines.indexOf(row(lines, "round "));
        assertThat(lines.subList(header, header + 3)).extracting(String::length).containsOnly(lines.get(header)
                .length());
        String ratio = String.format(Locale.ROOT, "%.3f", 252_345.4 / 1_022_000.0);
        assertThat(lines.get(header).indexOf("ratio") + "ratio".length())
                .as("figures end under their header").isEqualTo(row(lines, "2*").indexOf(ratio) + ratio.length());
    }

    @Test
    void missingFiguresPrintAsDashes() {
        List<String> lines = render(Json.MAPPER.createObjectNode());
        assertThat(row(lines, "end to end")).contains("-");
        assertThat(String.join("\n", lines)).contains("Latency", "Buckets", "Memory");
    }

    private static List<String> render(JsonNode r) {
        return Arrays.asList(BenchReport.render(r).split("\n"));
    }

    private static String row(List<String> lines, String start) {
        return lines.stream().filter(l -> l.stripLeading().startsWith(start))
                .findFirst().orElseThrow(() -> new AssertionError("no line starts with '" + start + "' in " + lines));
    }

    private static ObjectNode figures() {
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("types", 10).put("event_size_bytes", 300).put("hosts", 4).put("events_per_e2e_run", 1_000_000)
                .put("headline_round", 2).put("kafka_produce_eps", 1_022_000.0).put("kafka_consume_eps", 1_393_000.0)
                .put("ingest_eps", 466_000.0).put("ratio_ingest_to_produce", 466_000 / 1_022_000.0)
                .put("e2e_eps", 252_345.4).put("ratio_e2e_to_produce", 252_345.4 / 1_022_000.0)
                .put("writer_eps", 535_000.0).put("ratio_writer_to_consume", 535_000 / 1_393_000.0)
                .put("cpu_s_per_million_events", CPU_AT_10)
                .put("kafka_produce_cpu_s_per_million_events", RAW_CPU_AT_10);
        r.putArray("rounds").add(round(980_000, 270_000, 7.1)).add(round(1_022_000, 252_345.4, CPU_AT_10));
        ObjectNode byCount = r.putObject("by_type_count");
        byCount.set("100", count(CPU_AT_100, RAW_CPU_AT_100, latency(60, 203, 275, 334)));
        byCount.set("10", count(CPU_AT_10, RAW_CPU_AT_10, latency(21, 131, 256, 281)));
        byCount.set("1", count(6.0, 2.0, latency(null, null, null, null)));
        return r;
    }

    private static ObjectNode round(double raw, double e2e, double cpu) {
        return Json.MAPPER.createObjectNode().put("kafka_produce_eps", raw).put("e2e_eps", e2e)
                .put("ratio_e2e_to_produce", e2e / raw).put("cpu_s_per_million_events", cpu)
                .put("cpu_s_per_million_events_without_jit", cpu * 0.8)
                .put("kafka_produce_cpu_s_per_million_events", RAW_CPU_AT_10);
    }

    private static ObjectNode count(double cpu, double rawCpu, ObjectNode latency) {
        ObjectNode n = Json.MAPPER.createObjectNode().put("kafka_produce_eps", 800_000.0).put("e2e_eps", 200_000.0)
                .put("ratio_e2e_to_produce", 0.25).put("cpu_s_per_million_events", cpu)
                .put("kafka_produce_cpu_s_per_million_events", rawCpu).put("heap_peak_mb", 300.0);
        n.set("latency_ack_ms", latency);
        return n;
    }

    private static ObjectNode latency(Integer p50, Integer p99, Integer p999, Integer max) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.set("p50", p50 == null ? NullNode.instance : n.numberNode(p50));
        n.set("p99", p99 == null ? NullNode.instance : n.numberNode(p99));
        n.set("p999", p999 == null ? NullNode.instance : n.numberNode(p999));
        n.set("max", max == null ? NullNode.instance : n.numberNode(max));
        return n;
    }
}
