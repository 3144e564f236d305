package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hourglass.collector.Collector;
import io.hourglass.collector.CollectorConfig;
import io.hourglass.core.Json;
import io.hourglass.core.control.BadRow;
import io.hourglass.core.kafka.KafkaSettings;
import io.hourglass.core.kafka.TopicAdmin;
import io.hourglass.core.registry.EventType;
import io.hourglass.core.registry.Owner;
import io.hourglass.core.registry.Registry;
import io.hourglass.core.registry.Sink;
import io.hourglass.core.registry.Tier;
import io.hourglass.core.service.HttpEndpoints;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input that grows on its way to Kafka, as an event's Avro or as a bad row's JSON, must still be answered one event
 * at a time: a record larger than a produce request would fail the whole batch with a 503, and a sender that retries
 * it would be stuck on it for ever.
 */
class GrowingInputIT {
    private static final Instant T0 = Instant.parse("2026-03-01T10:20:00Z");
    private static final String GOOD_TYPE = "SearchViewResponse";
    /** Its payload's doubles take 8 bytes each in Avro, against 2 ({@code 0,}) in JSON. */
    private static final String SAMPLES = "SensorSamples";
    private static final Schema SAMPLES_SCHEMA = new Schema.Parser().parse("""
            {"type":"record","name":"SensorSamples","fields":[
             {"name":"values","type":{"type":"array","items":"double"}}]}""");

    @Test
    void recordsThatWouldNotFitARequestAreRejectedOneByOneAndKeptInBadRows(@TempDir Path dir) throws Exception {
        try (TestBed bed = TestBed.start(dir, T0, false)) {
            Registry registry = withSamples(bed.hourglass.registry());
            KafkaSettings kafka = KafkaSettings.singleNode(bed.hourglass.bootstrap());
            TopicAdmin.ensureTopics(kafka, registry);
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            CollectorConfig config = CollectorConfig.defaults("growing");
            Collector collector = new Collector(config, kafka, () -> registry, bed.clock, metrics);
            collector.start();
            HttpEndpoints endpoints = new HttpEndpoints("127.0.0.1", 0, metrics, List.of(collector), 32L << 20,
                    collector::routes);
            endpoints.start();
            try {
                int limit = config.maxEventBytes();
                // Within the event limit as JSON, four times larger in Avro.
                String doubles = event(SAMPLES, "{\"values\":[" + "0,".repeat(limit / 2 - 200) + "0]}");
                // Over the event limit, and more than a produce request as it was received.
                String huge = event(GOOD_TYPE, "{\"user_id\":\"u1\",\"query\":\"" + "\\\"".repeat(300_000)
                        + "\",\"results\":3,\"latency_ms\":12}");
                // Not JSON: control bytes, each six bytes once escaped in a bad row's JSON.
                byte[] garbage = new byte[limit - 1];
                Arrays.fill(garbage, (byte) 1);
                String good = event(GOOD_TYPE, "{\"user_id\":\"u1\",\"query\":\"q\",\"results\":3,\"latency_ms\":12}");
                assertThat(doubles.length()).isLessThanOrEqualTo(limit);

                ByteArrayOutputStream body = new ByteArrayOutputStream();
                for (byte[] line : List.of(doubles.getBytes(StandardCharsets.UTF_8),
                        huge.getBytes(StandardCharsets.UTF_8), garbage, good.getBytes(StandardCharsets.UTF_8))) {
                    body.write(line);
                    body.write('\n');
                }
                HttpResponse<String> resp = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + endpoints.port() + "/v1/events"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                        HttpResponse.BodyHandlers.ofString());

                assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
                List<String> statuses = new ArrayList<>();
                for (JsonNode r : Json.MAPPER.readTree(resp.body()).get("results")) {
                    statuses.add(r.get("status").asText() + ":" + r.path("code").asText(""));
                }
                assertThat(statuses).containsExactly("rejected:oversize", "rejected:oversize",
                        "rejected:malformed_json", "accepted:");
                await().atMost(Duration.ofSeconds(30)).until(() -> bed.kafkaEvents("events." + GOOD_TYPE) == 1);

                // Each is in bad rows with its reason; what was received is kept whole where it fits in a record,
                // and otherwise its start, with its full length.
                await().atMost(Duration.ofSeconds(30)).until(() -> TestBed.badRows(dir.resolve("badrows")).size() == 3);
                Map<String, BadRow> byCode = new HashMap<>();
                for (BadRow row : TestBed.badRows(dir.resolve("badrows"))) {
                    byCode.merge(row.reasonCode() + (row.type().equals(SAMPLES) ? "-avro" : ""), row, (a, b) -> a);
                }
                assertThat(byCode).containsOnlyKeys("oversize-avro", "oversize", "malformed_json");
                BadRow avro = byCode.get("oversize-avro");
                assertThat(avro.raw()).isEqualTo(doubles);
                assertThat(avro.rawLength()).isEqualTo(doubles.length());
                assertThat(avro.reason()).contains("Avro");
                for (var cut : Map.of(byCode.get("oversize"), huge, byCode.get("malformed_json"),
                        new String(garbage, StandardCharsets.UTF_8)).entrySet()) {
                    assertThat(cut.getKey().rawLength()).isEqualTo(cut.getValue().length());
                    assertThat(cut.getKey().raw()).isNotEmpty().hasSizeLessThan(cut.getValue().length());
                    assertThat(cut.getValue()).startsWith(cut.getKey().raw());
                }
            } finally {
                endpoints.stop();
                collector.stop();
            }
        }
    }

    private static Registry withSamples(Registry registry) {
        Map<String, EventType> types = new HashMap<>();
        registry.all().forEach(t -> types.put(t.name(), t));
        types.put(SAMPLES, new EventType(SAMPLES, new Owner("sensors", "sensors@example.com"), false, Tier.NORMAL,
                "core", Set.of(Sink.LAKE), new TreeMap<>(Map.of(1, SAMPLES_SCHEMA)), List.of(), Duration.ofHours(1),
                0));
        return new Registry(types);
    }

    private static String event(String type, String payload) {
        return "{\"id\":\"" + UUID.randomUUID() + "\",\"type\":\"" + type + "\",\"version\":1,\"logged_at\":\"" + T0
                + "\",\"payload\":" + payload + "}";
    }
}
