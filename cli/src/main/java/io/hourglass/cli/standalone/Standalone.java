package io.hourglass.cli.standalone;

import io.hourglass.agent.AgentConfig;
import io.hourglass.agent.HostsAgent;
import io.hourglass.cli.kafka.KafkaNode;
import io.hourglass.collector.Collector;
import io.hourglass.collector.CollectorConfig;
import io.hourglass.completionist.Completionist;
import io.hourglass.completionist.CompletionistConfig;
import io.hourglass.core.kafka.KafkaProbe;
import io.hourglass.core.kafka.KafkaSettings;
import io.hourglass.core.kafka.TopicAdmin;
import io.hourglass.core.lake.LakeStore;
import io.hourglass.core.lake.LocalLakeStore;
import io.hourglass.core.registry.Registry;
import io.hourglass.core.registry.RegistryLoader;
import io.hourglass.core.service.HttpEndpoints;
import io.hourglass.core.service.Service;
import io.hourglass.writer.Writer;
import io.hourglass.writer.WriterConfig;
import io.hourglass.writer.badrows.BadRowsWriter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hourglass in one JVM: an embedded Kafka (unless an external one is given) and every component, wired by
 * constructors in start order and stopped in reverse.
 */
public final class Standalone implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Standalone.class);

    private final StandaloneConfig config;
    private final List<Service> started = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Registry registry;
    private String bootstrap;
    private HttpEndpoints http;
    private Collector collector;
    private HostsAgent agents;
    private KafkaSettings kafka;
    private LakeStore lake;
    private List<Service> parts;

    private final UnaryOperator<LakeStore> lakeDecorator;

    public Standalone(StandaloneConfig config) {
        this(config, UnaryOperator.identity());
    }

    /** {@code lakeDecorator} wraps the lake store; tests use it to make the disk fill up. */
    public Standalone(StandaloneConfig config, UnaryOperator<LakeStore> lakeDecorator) {
        this.config = config;
        this.registry = RegistryLoader.load(config.registryDir());
        this.lakeDecorator = lakeDecorator;
    }

    public Standalone start() {
        try {
            if (config.externalKafka() == null) {
                KafkaNode node = KafkaNode.single(config.dataDir().resolve("kafka"), config.kafkaPort());
                run(node.embedded());
                bootstrap = node.bootstrap();
            } else {
                bootstrap = config.externalKafka();
            }
            int rf = config.replicationFactor();
            kafka = new KafkaSettings(bootstrap, config.eventPartitions(), (short) rf, Math.max(1, rf - 1));
            TopicAdmin.ensureTopics(kafka, registry);
            lake = lakeDecorator.apply(new LocalLakeStore(config.dataDir()));
            KafkaProbe probe = new KafkaProbe(kafka, Duration.ofSeconds(2));
            run(probe);
            // One grace for the hour: an hour is sealed only after its direct clients' grace too, so a longer one
            // would hold every bucket past the agents' grace. One heartbeat interval too: a backfilled hour waits for
            // the collector's heartbeat as for the agents'.
            CollectorConfig collectorConfig = CollectorConfig.defaults("standalone")
                    .withDirectGrace(config.agentGrace()).withHeartbeatInterval(config.heartbeatInterval());
            collector = new Collector(collectorConfig, kafka, () -> registry, config.clock(), metrics);
            run(collector);
            parts = new CopyOnWriteArrayList<>(List.of(probe, collector));
            http = new HttpEndpoints("127.0.0.1", config.httpPort(), metrics, parts, 32L * 1024 * 1024,
                    collector::routes);
            run(http);
            if (config.runWriters()) {
                startWriters();
            }
            run(new BadRowsWriter(kafka, lake));
            Completionist completionist = new Completionist(
                    new CompletionistConfig(config.hostTimeout(), config.completionistTick(),
                            config.heartbeatInterval().multipliedBy(2)), kafka, () -> registry,
                    lake, config.clock(), metrics);
            run(completionist);
            parts.add(completionist);
            if (!config.runAgents()) {
                return this;
            }
            AgentConfig agentConfig = AgentConfig.defaults(List.of(URI.create(collectorUrl())),
                    config.dataDir().resolve("agent-state"))
                    .withGrace(config.agentGrace())
                    .withHeartbeatInterval(config.heartbeatInterval());
            agents = new HostsAgent(config.dataDir().resolve("hosts"), agentConfig, config.clock(), metrics);
            run(agents);
            parts.add(agents);
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Starts a writer per lane: {@link #start} does, unless the config leaves them out to be started later. */
    public void startWriters() {
        startWriters(UnaryOperator.identity());
    }

    /** Starts a writer per lane, with its default settings changed by {@code tune}. */
    public void startWriters(UnaryOperator<WriterConfig> tune) {
        for (String lane : registry.lanes()) {
            Path staging = config.dataDir().resolve("writer-staging");
            WriterConfig writerConfig = tune.apply(WriterConfig.defaults(lane, staging));
            Writer w = new Writer(writerConfig, kafka, () -> registry, lake, config.clock(), metrics);
            run(w);
            parts.add(w);
        }
    }

    private void run(Service s) {
        s.start();
        started.add(s);
    }

    public String collectorUrl() {
        return "http://127.0.0.1:" + http.port();
    }

    public String bootstrap() {
        return bootstrap;
    }

    public Registry registry() {
        return registry;
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    public HostsAgent agents() {
        return agents;
    }

    /** Stops every part in reverse start order; safe to call twice. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (int i = started.size() - 1; i >= 0; i--) {
            Service s = started.get(i);
            try {
                s.stop();
            } catch (RuntimeException e) {
                log.warn("Stopping {} failed: {}", s.name(), e.toString());
            }
        }
        metrics.close();
    }

    public Path dataDir() {
        return config.dataDir();
    }
}
