package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hourglass.collector.Collector;
import io.hourglass.collector.CollectorConfig;
import io.hourglass.core.Json;
import io.hourglass.core.kafka.KafkaSettings;
import io.hourglass.core.service.HttpEndpoints;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Event producers keep their requests under half of a 1 MiB G1 region ({@link KafkaSettings#MAX_REQUEST_BYTES}), so
 * the largest event a collector may be set to take must still fit in one request, with its envelope and its pack.
 */
class LargestEventIT {
    private static final Instant T0 = Instant.parse("2026-03-01T10:20:00Z");
    private static final String TYPE = "SearchViewResponse";

    @Test
    void theLargestEventACollectorMayTakeReachesKafka(@TempDir Path dir) throws Exception {
        int largest = CollectorConfig.MAX_EVENT_BYTES;
        try (TestBed bed = TestBed.start(dir, T0, false)) {
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            Collector collector = new Collector(new CollectorConfig("largest", largest, 16L << 20, 64, 64L << 20,
                    Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofSeconds(5)),
                    KafkaSettings.singleNode(bed.hourglass.bootstrap()),
                    bed.hourglass::registry, bed.clock, metrics);
            collector.start();
            HttpEndpoints endpoints = new HttpEndpoints("127.0.0.1", 0, metrics, List.of(collector), 16L << 20,
                    collector::routes);
            endpoints.start();
            try {
                String atLimit = eventOfBytes(largest);
                String overLimit = eventOfBytes(largest + 1);
                assertThat(atLimit.getBytes(StandardCharsets.UTF_8)).hasSize(largest);
                HttpResponse<String> resp = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + endpoints.port() + "/v1/events"))
                        .POST(HttpRequest.BodyPublishers.ofString(atLimit + "\n" + overLimit)).build(),
                        HttpResponse.BodyHandlers.ofString());

                assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
                List<String> statuses = new ArrayList<>();
                for (JsonNode r : Json.MAPPER.readTree(resp.body()).get("results")) {
                    statuses.add(r.get("status").asText() + ":" + r.path("code").asText(""));
                }
                // Accepted means Kafka acknowledged it: a pack larger than a request would have failed the send.
                assertThat(statuses).containsExactly("accepted:", "rejected:oversize");
                await().atMost(Duration.ofSeconds(30)).until(() -> bed.kafkaEvents("events." + TYPE) == 1);
            } finally {
                endpoints.stop();
                collector.stop();
            }
        }
    }

    /** A valid event whose JSON line is exactly {@code bytes} long, its query padded. */
    private static String eventOfBytes(int bytes) {
        String head = "{\"id\":\"" + UUID.randomUUID() + "\",\"type\":\"" + TYPE + "\",\"version\":1,\"logged_at\":\""
                + T0 + "\",\"payload\":{\"user_id\":\"u1\",\"query\":\"";
        String tail = "\",\"results\":3,\"latency_ms\":12}}";
        return head + "x".repeat(bytes - head.length() - tail.length()) + tail;
    }
}
