package io.hourglass.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.hourglass.core.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A small bench run, start to end, on its own embedded broker: every figure the issue asks for is there, the
 * ratios are computed from the run's own figures, and the run itself checks that its closed buckets hold every
 * event. It asserts no speed: figures are measured, not tested.
 */
class BenchIT {
    @Test
    void aSmallRunReportsEveryFigureConsistently(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("bench.json");
        StringWriter report = new StringWriter();
        int exit = new CommandLine(new BenchCommand()).setOut(new PrintWriter(report)).execute("--duration", "12s",
                "--events", "20000", "--types", "2", "--type-counts", "1,2", "--hosts", "2", "--rounds", "2",
                "--warm-up-events", "20000", "--json", json.toString());
        assertThat(exit).isZero();

        JsonNode r = Json.MAPPER.readTree(json.toFile());
        // The printed tables show the figures the JSON has.
        assertThat(report.toString()).containsPattern("\\n +end to end +" + String.format(Locale.ROOT, "%,.0f",
                r.get("e2e_eps").asDouble()) + " .* of produce\\n");
        for (String key : List.of("kafka_produce_eps", "kafka_consume_eps", "ingest_eps", "e2e_eps", "writer_eps",
                "cpu_s_per_million_events", "kafka_produce_cpu_s_per_million_events", "bucket_close_delay_s",
                "heap_peak_mb", "rss_peak_mb")) {
            assertThat(r.path(key).asDouble()).as(key).isPositive();
        }
        assertThat(r.get("ratio_e2e_to_produce").asDouble())
                .isCloseTo(r.get("e2e_eps").asDouble() / r.get("kafka_produce_eps").asDouble(), within(1e-9));
        assertThat(r.get("ratio_ingest_to_produce").asDouble())
                .isCloseTo(r.get("ingest_eps").asDouble() / r.get("kafka_produce_eps").asDouble(), within(1e-9));
        assertThat(r.get("jvm").get("version").asText()).isEqualTo(Runtime.version().toString());
        assertThat(r.get("jvm").get("args").isArray()).isTrue();
        assertThat(r.get("ratio_writer_to_consume").asDouble())
                .isCloseTo(r.get("writer_eps").asDouble() / r.get("kafka_consume_eps").asDouble(), within(1e-9));
        assertHeadlineIsTheMedianRound(r, 2);
        assertOrderedPercentiles(r.get("latency_ack_ms"));
        assertThat(r.get("latency_ack_ms").get("samples").asInt()).isPositive();
        assertP99BySecondBoundsThePhasesP99(r.get("latency_ack_ms"));
        assertOrderedPercentiles(r.get("bucket_close_ms"));
        // An hour ends during the main latency phase: each of its buckets closes, one per type.
        assertOrderedPercentiles(r.get("hour_close_ms"));
        assertThat(r.get("hour_close_ms").get("samples").asInt()).isEqualTo(2);
        assertThat(r.get("hour_close_ms").get("missing").asInt()).isZero();
        assertThat(r.get("bucket_close_ms").get("samples").asInt()).isEqualTo(2);  // one bucket per type
        assertThat(sum(r.get("cpu_share"))).isCloseTo(1.0, within(0.02));

        List<String> counts = new ArrayList<>();
        r.get("by_type_count").fieldNames().forEachRemaining(counts::add);
        assertThat(counts).containsExactly("1", "2");
        for (String n : counts) {
            JsonNode byCount = r.get("by_type_count").get(n);
            assertThat(byCount.get("e2e_eps").asDouble()).as(n).isPositive();
            assertThat(byCount.get("kafka_produce_cpu_s_per_million_events").asDouble()).as(n).isPositive();
            assertOrderedPercentiles(byCount.get("latency_ack_ms"));
            assertP99BySecondBoundsThePhasesP99(byCount.get("latency_ack_ms"));
            assertThat(byCount.get("bucket_close_ms").get("samples").asInt()).isEqualTo(Integer.parseInt(n));
        }
    }

    /** Each round's ratio is its own; the headline is the lower median of them, with that round's figures. */
    private static void assertHeadlineIsTheMedianRound(JsonNode r, int rounds) {
        JsonNode measured = r.get("rounds");
        assertThat(measured).hasSize(rounds);
        List<Double> ratios = new ArrayList<>();
        for (JsonNode round : measured) {
            assertThat(round.get("ratio_e2e_to_produce").asDouble()).isCloseTo(
                    round.get("e2e_eps").asDouble() / round.get("kafka_produce_eps").asDouble(), within(1e-9));
            ratios.add(round.get("ratio_e2e_to_produce").asDouble());
            assertThat(round.get("kafka_produce_cpu_s_per_million_events").asDouble()).isPositive();
            JsonNode rawShares = round.get("kafka_produce_cpu_share");
            assertThat(sum(rawShares)).isCloseTo(1.0, within(0.02));
            // The raw producer is the bench's own: its send loop and network thread, not the broker's.
            assertThat(rawShares.get("bench_driver").asDouble()).isPositive();
            assertThat(rawShares.get("kafka_broker").asDouble()).isPositive();
        }
        List<Double> sorted = ratios.stream().sorted().toList();
        double median = sorted.get((sorted.size() - 1) / 2);
        assertThat(r.get("ratio_e2e_to_produce").asDouble()).isEqualTo(median);
        JsonNode headline = measured.get(r.get("headline_round").asInt() - 1);
        assertThat(headline.get("ratio_e2e_to_produce").asDouble()).isEqualTo(median);
        assertThat(r.get("e2e_eps").asDouble()).isEqualTo(headline.get("e2e_eps").asDouble());
        assertThat(r.get("kafka_produce_eps").asDouble()).isEqualTo(headline.get("kafka_produce_eps").asDouble());
        assertThat(r.get("cpu_share")).as("the headline's split of the CPU is its round's")
                .isEqualTo(headline.get("cpu_share"));
        assertThat(r.get("kafka_produce_cpu_share")).isEqualTo(headline.get("kafka_produce_cpu_share"));
        // The scaling run with --types is the headline round, not another run.
        assertThat(r.get("by_type_count").get("2").get("e2e_eps").asDouble()).isEqualTo(r.get("e2e_eps").asDouble());
    }

    private static void assertOrderedPercentiles(JsonNode stats) {
        assertThat(stats.get("p50").asDouble()).isLessThanOrEqualTo(stats.get("p99").asDouble());
        assertThat(stats.get("p99").asDouble()).isLessThanOrEqualTo(stats.get("p999").asDouble());
        assertThat(stats.get("p999").asDouble()).isLessThanOrEqualTo(stats.get("max").asDouble());
    }

    /** Under 1% of each second's samples lie above its p99, so the phase's p99 lies within the seconds' range. */
    private static void assertP99BySecondBoundsThePhasesP99(JsonNode latency) {
        List<Double> bySecond = new ArrayList<>();
        latency.get("p99_by_second").forEach(p -> {
            if (!p.isNull()) {
                bySecond.add(p.asDouble());
            }
        });
        assertThat(bySecond).isNotEmpty();
        assertThat(latency.get("p99").asDouble()).isBetween(Collections.min(bySecond), Collections.max(bySecond));
    }

    private static double sum(JsonNode shares) {
        double total = 0;
        for (JsonNode share : shares) {
            total += share.asDouble();
        }
        return total;
    }
}
