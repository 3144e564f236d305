package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hourglass.core.Hours;
import io.hourglass.core.control.Heartbeat;
import io.hourglass.core.control.HostSignal;
import io.hourglass.core.control.HostSignals;
import io.hourglass.core.control.Marker;
import io.hourglass.core.kafka.KafkaSettings;
import io.hourglass.core.kafka.TopicAdmin;
import io.hourglass.core.kafka.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host heartbeats 360 times an hour, and the completionist reads {@code _hourglass.markers} from the start at each
 * start. Kafka compacts the topic to a host's latest heartbeat of each past hour, and keeps every marker. Against a
 * real broker and collector, with the segment time cut from an hour to a second so that the cleaner acts at once.
 */
class SignalCompactionIT {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final List<String> HOSTS = List.of("web-1", "web-2");
    private static final int BEATS_AN_HOUR = 30;

    @Test
    void compactionKeepsEveryMarkerAndEachHostsLatestHeartbeatOfAnHour(@TempDir Path dir) throws Exception {
        try (TestBed bed = TestBed.start(dir, T0, false)) {
            KafkaSettings kafka = KafkaSettings.singleNode(bed.hourglass.bootstrap());
            ConfigResource markers = new ConfigResource(ConfigResource.Type.TOPIC, Topics.MARKERS);
            try (Admin admin = Admin.create(kafka.admin("test"))) {
                var config = TopicAdmin.signalsConfig(admin);
                assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact,delete");
                assertThat(config.get(TopicConfig.SEGMENT_MS_CONFIG).value())
                        .isEqualTo(Long.toString(Topics.SIGNALS_SEGMENT.toMillis()));
            }
            List<HostSignal> sent = new ArrayList<>();
            for (int hour = 0; hour < 2; hour++) {
                for (int beat = 0; beat < BEATS_AN_HOUR; beat++) {
                    Instant at = T0.plus(Duration.ofHours(hour)).plus(Duration.ofMinutes(2L * beat));
                    for (String host : HOSTS) {
                        sent.add(new Heartbeat(host, at, Hours.hourOf(at)));
                    }
                }
            }
            Instant h11 = T0.plus(Duration.ofHours(1));
            Marker marker = new Marker("web-1", T0, Map.of("PlaybackStarted", 3L),
                    Map.of("events.PlaybackStarted", Map.of(0, 2L)), 0, false, h11);
            sent.add(1, marker);
            sent.add(marker);  // sent again, as after a lost checkpoint
            HttpClient http = HttpClient.newHttpClient();
            for (HostSignal s : sent) {
                post(http, bed.collector(), s);
            }
            assertThat(hostSignals(kafka)).containsExactlyElementsOf(sent);
            try (Admin admin = Admin.create(kafka.admin("test"))) {
                admin.incrementalAlterConfigs(Map.of(markers, List.of(
                        set(TopicConfig.SEGMENT_MS_CONFIG, "1000"),
                        set(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.01")))).all().get(30, TimeUnit.SECONDS);
            }
            // Kafka rolls a segment when a record comes a segment's time after its first one; the one it rolls for
            // is from another host, so that every signal above is in segments the cleaner may compact.
            Thread.sleep(1500);
            post(http, bed.collector(), new Heartbeat("roller", h11.plus(Duration.ofMinutes(59)), h11));

            Map<String, Heartbeat> latest = sent.stream().filter(Heartbeat.class::isInstance)
                    .map(Heartbeat.class::cast)
                    .collect(Collectors.toMap(HostSignals::key, Function.identity(), (a, b) -> b));
            assertThat(latest).as("two hosts, two hours").hasSize(4);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                List<HostSignal> kept = hostSignals(kafka);
                assertThat(kept).filteredOn(Marker.class::isInstance).as("the marker, sent twice").hasSize(2);
                assertThat(kept).filteredOn(Heartbeat.class::isInstance)
                        .as("each host's latest heartbeat of each hour").containsExactlyInAnyOrderElementsOf(
                                List.copyOf(latest.values()));
            });
        }
    }

    private static AlterConfigOp set(String name, String value) {
        return new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET);
    }

    private static List<HostSignal> hostSignals(KafkaSettings kafka) {
        return EventCounter.records(kafka, Topics.MARKERS).stream().map(r -> HostSignals.fromBytes(r.value()))
                .filter(s -> HOSTS.contains(s.host())).toList();
    }

    private static void post(HttpClient http, URI collector, HostSignal s) throws Exception {
        String path = s instanceof Marker ? "/v1/markers" : "/v1/heartbeats";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(collector.resolve(path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(HostSignals.toBytes(s)))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
}
