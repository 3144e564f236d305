package io.hourglass.cli;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hourglass.agent.AgentConfig;
import io.hourglass.agent.HostAgent;
import io.hourglass.cli.demo.SamplePayloads;
import io.hourglass.cli.standalone.Standalone;
import io.hourglass.cli.standalone.StandaloneConfig;
import io.hourglass.client.EventLogger;
import io.hourglass.core.Json;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.Manifest;
import io.hourglass.core.kafka.KafkaSettings;
import io.hourglass.core.registry.EventType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.DoubleStream;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.threeten.extra.MutableClock;

/** A standalone Hourglass on an embedded Kafka, a hand-moved clock, and helpers to log events and read the lake. */
final class TestBed implements AutoCloseable {
    static final Path REGISTRY = Path.of("..", "registry");

    final MutableClock clock;
    final Path dataDir;
    final Standalone hourglass;
    private final Random random = new Random(42);
    private final List<AutoCloseable> extras = new ArrayList<>();
    private final List<HostAgent> testAgents = new java.util.concurrent.CopyOnWriteArrayList<>();

    private TestBed(MutableClock clock, Path dataDir, Standalone hourglass) {
        this.clock = clock;
        this.dataDir = dataDir;
        this.hourglass = hourglass;
    }

    /** Starts Hourglass with a 2 minute agent grace, 10 s heartbeats and a 1 hour host timeout (clock time). */
    static TestBed start(Path dataDir, Instant t0, boolean agents) {
        return start(dataDir, t0, agents, java.util.function.UnaryOperator.identity());
    }

    static TestBed start(Path dataDir, Instant t0, boolean agents,
                         java.util.function.UnaryOperator<io.hourglass.core.lake.LakeStore> lake) {
        return start(dataDir, t0, agents, lake, Duration.ofMinutes(2));
    }

    static TestBed start(Path dataDir, Instant t0, boolean agents,
                         java.util.function.UnaryOperator<io.hourglass.core.lake.LakeStore> lake, Duration grace) {
        return start(dataDir, t0, agents, lake, grace, java.util.function.UnaryOperator.identity());
    }

    static TestBed start(Path dataDir, Instant t0, boolean agents,
                         java.util.function.UnaryOperator<io.hourglass.core.lake.LakeStore> lake, Duration grace,
                         java.util.function.UnaryOperator<StandaloneConfig> tune) {
        MutableClock clock = MutableClock.of(t0, ZoneOffset.UTC);
        StandaloneConfig config = tune.apply(StandaloneConfig.defaults(dataDir, REGISTRY).withPorts(0, 0)
                .withAgentGrace(grace)
                .withClock(clock, Duration.ofSeconds(10), Duration.ofHours(1)));
        if (!agents) {
            config = config.withoutAgents();
        }
        return new TestBed(clock, dataDir, new Standalone(config, lake).start());
    }

    /** Waits until the standalone agents tail these hosts and have told the completionist they exist. */
    void awaitAgents(java.util.Collection<String> hosts) {
        await().atMost(Duration.ofSeconds(30)).until(() ->
                hourglass.agents().hosts().containsAll(hosts) && hourglass.agents().ready());
    }

    /**
     * Moves the clock to {@code t} and waits until every running agent has heartbeated at that time, as agents do
     * every few seconds when time passes for real.
     */
    void advanceTo(Instant t) {
        clock.setInstant(t);
        List<HostAgent> running = new ArrayList<>(testAgents);
        if (hourglass.agents() != null) {
            running.addAll(hourglass.agents().agents().values());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> running.stream()
                .filter(HostAgent::isRunning).allMatch(a -> !a.lastHeartbeat().isBefore(t)));
    }

    EventLogger logger(String host) {
        EventLogger l = new EventLogger(dataDir.resolve("hosts").resolve(host), clock, false);
        extras.add(l);
        return l;
    }

    /** Logs one valid event of {@code type} at the clock's time; returns its id. */
    String log(EventLogger logger, String type) {
        EventType t = hourglass.registry().find(type).orElseThrow();
        ObjectNode payload = SamplePayloads.of(t.schema(t.latestVersion()).orElseThrow(), random);
        return logger.log(type, t.latestVersion(), payload);
    }

    /** An agent run by the test itself, for hosts whose agent the test stops, restarts or points elsewhere. */
    HostAgent agent(String host, List<URI> collectors, int batchMaxEvents) {
        return agent(host, collectors, batchMaxEvents, new SimpleMeterRegistry());
    }

    HostAgent agent(String host, List<URI> collectors, int batchMaxEvents,
                    io.micrometer.core.instrument.MeterRegistry metrics) {
        return agent(host, collectors, batchMaxEvents, metrics,
                AgentConfig.DEFAULT_CHECKPOINT_INTERVAL);
    }

    HostAgent agent(String host, List<URI> collectors, int batchMaxEvents,
                    io.micrometer.core.instrument.MeterRegistry metrics, Duration checkpointInterval) {
        AgentConfig d = AgentConfig.defaults(collectors, dataDir.resolve("agent-state"));
        AgentConfig c = new AgentConfig(d.collectors(), d.stateDir(), Duration.ofMinutes(2), batchMaxEvents,
                d.batchMaxBytes(), d.maxLineBytes(), Duration.ofMillis(50), Duration.ofSeconds(10),
                Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(10), d.compression(),
                checkpointInterval, d.maxInFlight());
        HostAgent agent = new HostAgent(host, dataDir.resolve("hosts").resolve(host), c, clock, metrics);
        testAgents.add(agent);
        return agent;
    }

    Path checkpoint(String host) {
        return dataDir.resolve("agent-state").resolve(host + ".checkpoint.json");
    }

    /** The sum of a metric's series, as a component's {@code /metrics} shows them. */
    static double metric(URI component, String name) throws Exception {
        return series(component, name, line -> true).sum();
    }

    /** The values of a metric's series on a component's {@code /metrics}, those whose line passes {@code which}. */
    static DoubleStream series(URI component, String name, Predicate<String> which) throws Exception {
        return get(component.resolve("/metrics")).body().lines()
                .filter(l -> (l.startsWith(name + " ") || l.startsWith(name + "{")) && which.test(l))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)));
    }

    /** A GET over real HTTP, answer as text. */
    static java.net.http.HttpResponse<String> get(URI uri) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(uri).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    URI collector() {
        return URI.create(hourglass.collectorUrl());
    }

    Path bucketDir(BucketId b) {
        return dataDir.resolve("lake").resolve(b.path());
    }

    Manifest awaitClosed(BucketId b) {
        Path success = bucketDir(b).resolve("_SUCCESS");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> Files.exists(success));
        return manifest(b);
    }

    Manifest manifest(BucketId b) {
        try {
            return Json.MAPPER.readValue(bucketDir(b).resolve("_SUCCESS").toFile(), Manifest.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean isClosed(BucketId b) {
        return Files.exists(bucketDir(b).resolve("_SUCCESS"));
    }

    /** Every record of a closed bucket, read back from its Avro files: id → record. */
    Map<String, GenericRecord> records(BucketId b) {
        Map<String, GenericRecord> out = new HashMap<>();
        for (Manifest.FileEntry f : manifest(b).files()) {
            try (InputStream in = Files.newInputStream(bucketDir(b).resolve(f.name()));
                 DataFileStream<GenericRecord> s = new DataFileStream<>(in, new GenericDatumReader<>())) {
                for (GenericRecord r : s) {
                    if (out.put(r.get("id").toString(), r) != null) {
                        throw new AssertionError("id " + r.get("id") + " twice in " + b);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** The Avro codec of each final file of a closed bucket. */
    Set<String> codecs(BucketId b) {
        Set<String> out = new HashSet<>();
        for (Manifest.FileEntry f : manifest(b).files()) {
            try (InputStream in = Files.newInputStream(bucketDir(b).resolve(f.name()));
                 DataFileStream<GenericRecord> s = new DataFileStream<>(in, new GenericDatumReader<>())) {
                out.add(s.getMetaString("avro.codec"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** Every bad row filed under {@code dir} (a data folder's {@code badrows}), in no set order. */
    static List<io.hourglass.core.control.BadRow> badRows(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<io.hourglass.core.control.BadRow> rows = new ArrayList<>();
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).toList()) {
                for (String line : Files.readAllLines(f, java.nio.charset.StandardCharsets.UTF_8)) {
                    rows.add(Json.fromBytes(line.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            io.hourglass.core.control.BadRow.class));
                }
            }
        }
        return rows;
    }

    /** Events in Kafka for a topic, duplicates included. */
    long kafkaEvents(String topic) {
        return EventCounter.count(KafkaSettings.singleNode(hourglass.bootstrap()), List.of(topic));
    }

    /** How many decisions of {@code topic}, read from its start to its end, have this key, closed forms aside. */
    long decisionsWithKey(String topic, String key) {
        return EventCounter.decisionsWithKey(KafkaSettings.singleNode(hourglass.bootstrap()), topic, key);
    }

    @Override
    public void close() throws Exception {
        // Before the folder goes: a running agent writes its checkpoint there, e.g. when it sees its files deleted.
        testAgents.forEach(HostAgent::stop);
        for (AutoCloseable c : extras) {
            c.close();
        }
        hourglass.close();
    }
}
