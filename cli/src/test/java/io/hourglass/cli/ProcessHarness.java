package io.hourglass.cli;

import static org.awaitility.Awaitility.await;

import io.hourglass.agent.AgentConfig;
import io.hourglass.cli.chaos.Proc;
import io.hourglass.cli.demo.SamplePayloads;
import io.hourglass.cli.kafka.KafkaNode;
import io.hourglass.client.EventLogger;
import io.hourglass.core.Envelope;
import io.hourglass.core.Hours;
import io.hourglass.core.Json;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.Manifest;
import io.hourglass.core.kafka.KafkaSettings;
import io.hourglass.core.kafka.TopicAdmin;
import io.hourglass.core.registry.EventType;
import io.hourglass.core.registry.Registry;
import io.hourglass.core.registry.RegistryLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Kafka in the test JVM and each Hourglass component as its own process, on the real clock. Events are logged into
 * an hour two hours ago, a backlog that closes as soon as every host is done, so no clock has to be shared.
 */
final class ProcessHarness implements AutoCloseable {
    static final Path REGISTRY = Path.of("..", "registry").toAbsolutePath().normalize();

    final Path dir;
    final Instant hour = Hours.hourOf(Instant.now()).minus(Duration.ofHours(2));
    final Registry registry = RegistryLoader.load(REGISTRY);
    private final KafkaNode.Server kafka;
    private final String bootstrap;
    private final List<Proc> procs = new ArrayList<>();
    private final Random random = new Random(3);
    private final java.util.Map<Proc, String> collectorUrls = new java.util.HashMap<>();

    ProcessHarness(Path dir) {
        this.dir = dir;
        KafkaNode node = KafkaNode.single(dir.resolve("kafka"), 0);
        this.kafka = node.server();
        kafka.start();
        this.bootstrap = node.bootstrap();
        TopicAdmin.ensureTopics(KafkaSettings.singleNode(bootstrap), registry);
    }

    /**
     * A component process; {@code sets} are extra {@code key=value} settings. It is not started yet. Its HTTP port is
     * the system's choice (0), which no other process can take between a kill and a restart; a collector's is fixed.
     */
    Proc component(String kind, String name, String... sets) {
        List<String> args = new ArrayList<>(List.of(kind, "--set", "http.port=0"));
        if (!kind.equals("agent")) {
            args.addAll(List.of("--set", "kafka.bootstrap=" + bootstrap, "--set", "registry.dir=" + REGISTRY));
        }
        if (kind.equals("writer") || kind.equals("completionist")) {
            args.addAll(List.of("--set", "data.dir=" + dir.toAbsolutePath()));
        }
        if (kind.equals("completionist")) {
            args.addAll(List.of("--set", "completionist.tick-interval=200ms",
                    "--set", "completionist.startup-grace=3s"));
        }
        for (String s : sets) {
            args.addAll(List.of("--set", s));
        }
        Proc p = new Proc(name, kind, args, dir.resolve("logs"));
        procs.add(p);
        return p;
    }

    /** A collector; its URL is {@link #url}. */
    Proc collector(String id) {
        int port;
        do {
            port = KafkaNode.freePort();  // not one given to a collector that may not have bound it yet
        } while (collectorUrls.values().contains("http://127.0.0.1:" + port));
        Proc p = component("collector", "collector-" + id, "collector.instance-id=" + id, "http.port=" + port);
        collectorUrls.put(p, "http://127.0.0.1:" + port);
        return p;
    }

    String url(Proc collector) {
        return collectorUrls.get(collector);
    }

    Proc agent(String host, List<Proc> collectors, int batch) {
        return agent(host, collectors, batch, AgentConfig.DEFAULT_CHECKPOINT_INTERVAL);
    }

    Proc agent(String host, List<Proc> collectors, int batch, Duration checkpointInterval) {
        return agent(host, collectors, batch, checkpointInterval, AgentConfig.DEFAULT_MAX_IN_FLIGHT);
    }

    Proc agent(String host, List<Proc> collectors, int batch, Duration checkpointInterval, int maxInFlight) {
        return component("agent", "agent-" + host, "agent.hosts-dir=" + dir.resolve("hosts").toAbsolutePath(),
                "agent.host=" + host, "agent.state-dir=" + dir.resolve("agent-state").toAbsolutePath(),
                "agent.collectors=" + String.join(",", collectors.stream().map(this::url).toList()),
                "agent.batch-max-events=" + batch, "agent.backoff-max=1s", "agent.heartbeat-interval=1s",
                "agent.checkpoint-interval=" + checkpointInterval.toMillis() + "ms",
                "agent.max-in-flight=" + maxInFlight);
    }

    /** Logs {@code n} events of {@code type} in the harness's past hour into a host's event log. */
    Set<String> log(String host, String type, int n) {
        EventType t = registry.find(type).orElseThrow();
        Set<String> ids = new HashSet<>();
        try (EventLogger logger = new EventLogger(dir.resolve("hosts").resolve(host), Clock.systemUTC(), false)) {
            for (int i = 0; i < n; i++) {
                Instant at = hour.plusMillis(i * 1000L);
                Envelope e = new Envelope(UUID.randomUUID().toString(), type, t.latestVersion(), at, at, null, null,
                        false, SamplePayloads.of(t.schema(t.latestVersion()).orElseThrow(), random));
                logger.append(e);
                ids.add(e.id());
            }
        }
        return ids;
    }

    BucketId bucket(String type) {
        return new BucketId(type, hour);
    }

    Path bucketDir(BucketId b) {
        return dir.resolve("lake").resolve(b.path());
    }

    Manifest awaitClosed(BucketId b, Duration timeout) {
        Path success = bucketDir(b).resolve("_SUCCESS");
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> Files.exists(success));
        } catch (ConditionTimeoutException e) {
            StringBuilder logs = new StringBuilder(b + " did not close within " + timeout + "; the processes said:");
            procs.forEach(p -> logs.append("\n--- ").append(p.name()).append('\n').append(p.tail(30)));
            throw new AssertionError(logs.toString(), e);
        }
        try {
            return Json.MAPPER.readValue(success.toFile(), Manifest.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every record of a topic, up to its end as of this call. */
    List<ConsumerRecord<String, byte[]>> records(String topic) {
        return EventCounter.records(KafkaSettings.singleNode(bootstrap), topic);
    }

    long kafkaEvents(String type) {
        return EventCounter.count(KafkaSettings.singleNode(bootstrap), List.of("events." + type));
    }

    /** Stops the broker, as when Kafka becomes unreachable. */
    void stopKafka() {
        kafka.stop();
    }

    @Override
    public void close() {
        for (int i = procs.size() - 1; i >= 0; i--) {
            procs.get(i).kill();
        }
        kafka.stop();
    }
}
