package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hourglass.agent.HostAgent;
import io.hourglass.client.EventLogger;
import io.hourglass.collector.Collector;
import io.hourglass.collector.CollectorConfig;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.kafka.KafkaSettings;
import io.hourglass.core.service.HttpEndpoints;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CollectorOutageIT {
    private static final String TYPE = "UserLogin";
    private static final BucketId BUCKET = new BucketId(TYPE, Instant.parse("2026-03-01T10:00:00Z"));

    @Test
    void agentBacksOffWhileTheCollectorIsDownAndDeliversEverythingWhenItReturns(@TempDir Path dir) throws Exception {
        try (TestBed bed = TestBed.start(dir, Instant.parse("2026-03-01T10:05:00Z"), false)) {
            int port = freePort();
            EventLogger logger = bed.logger("host-o");
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < 50; i++) {
                ids.add(bed.log(logger, TYPE));
            }
            SimpleMeterRegistry agentMetrics = new SimpleMeterRegistry();
            HostAgent agent = bed.agent("host-o", List.of(URI.create("http://127.0.0.1:" + port)), 10, agentMetrics);
            agent.start();
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    agentMetrics.counter("hourglass_agent_retries_total", "host", "host-o").count() >= 3);
            assertThat(bed.kafkaEvents("events." + TYPE)).isZero();
            assertThat(agent.ready()).isFalse();

            // The collector comes back, as a second instance on the address the agent knows.
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            Collector collector = new Collector(CollectorConfig.defaults("returning"),
                    KafkaSettings.singleNode(bed.hourglass.bootstrap()), bed.hourglass::registry, bed.clock, metrics);
            collector.start();
            HttpEndpoints endpoints = new HttpEndpoints("127.0.0.1", port, metrics, List.of(collector),
                    16L << 20, collector::routes);
            endpoints.start();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> bed.kafkaEvents("events." + TYPE) >= 50);
                bed.advanceTo(Instant.parse("2026-03-01T11:03:00Z"));
                bed.awaitClosed(BUCKET);
                assertThat(bed.records(BUCKET).keySet()).isEqualTo(ids);
                assertThat(agent.ready()).isTrue();
            } finally {
                agent.stop();
                endpoints.stop();
                collector.stop();
            }
        }
    }

    @Test
    void agentFailsOverToTheNextCollectorWhenOneIsDown(@TempDir Path dir) throws Exception {
        try (TestBed bed = TestBed.start(dir, Instant.parse("2026-03-01T10:05:00Z"), false)) {
            EventLogger logger = bed.logger("host-f");
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < 30; i++) {
                ids.add(bed.log(logger, TYPE));
            }
            URI dead = URI.create("http://127.0.0.1:" + freePort());
            HostAgent agent = bed.agent("host-f", List.of(dead, bed.collector()), 10);
            agent.start();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> bed.kafkaEvents("events." + TYPE) >= 30);
                bed.advanceTo(Instant.parse("2026-03-01T11:03:00Z"));
                bed.awaitClosed(BUCKET);
                assertThat(bed.records(BUCKET).keySet()).isEqualTo(ids);
            } finally {
                agent.stop();
            }
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
