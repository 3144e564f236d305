package io.hourglass.cli.distributed;

import io.hourglass.cli.Defaults;
import io.hourglass.core.AcceleratedClock;
import io.hourglass.core.config.Settings;
import io.hourglass.core.kafka.KafkaProbe;
import io.hourglass.core.kafka.KafkaSettings;
import io.hourglass.core.kafka.TopicAdmin;
import io.hourglass.core.registry.Registry;
import io.hourglass.core.registry.RegistryLoader;
import io.hourglass.core.service.HttpEndpoints;
import io.hourglass.core.service.Service;
import io.javalin.config.RoutesConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every component process shares: settings, clock, Kafka, registry, metrics and the health endpoints. It starts
 * parts in order, stops them in reverse on SIGTERM, and blocks until then.
 */
final class ComponentProcess {
    private static final Logger log = LoggerFactory.getLogger(ComponentProcess.class);

    final Settings settings;
    final Clock clock;
    final KafkaSettings kafka;
    final Registry registry;
    final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final String name;
    private final List<Service> started = new ArrayList<>();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final CountDownLatch done = new CountDownLatch(1);

    ComponentProcess(String name, Settings settings) {
        this.name = name;
        this.settings = settings;
        this.clock = clock(settings);
        this.kafka = settings.build(() -> new KafkaSettings(settings.required("kafka.bootstrap"),
                settings.integer("kafka.partitions", 3), (short) settings.integer("kafka.replication-factor", 1),
                settings.integer("kafka.min-insync-replicas", 1)));
        this.registry = RegistryLoader.load(settings.path("registry.dir", Defaults.registryDir()));
    }

    /** {@code clock.rate} > 1 runs time faster from {@code clock.origin} (ISO instant) at {@code clock.origin-real}. */
    static Clock clock(Settings s) {
        double rate = s.decimal("clock.rate", 1.0);
        String origin = s.string("clock.origin", null);
        if (rate == 1.0 && origin == null) {
            return Clock.systemUTC();
        }
        Instant realOrigin = Instant.ofEpochMilli(Long.parseLong(s.required("clock.origin-real")));
        return new AcceleratedClock(Instant.parse(s.required("clock.origin")), realOrigin, rate, Clock.systemUTC());
    }

    /** Creates topics (idempotent), then the HTTP endpoints and the given parts, and blocks until SIGTERM. */
    void run(List<Service> parts, Consumer<RoutesConfig> routes, int defaultPort) throws InterruptedException {
        int port = settings.integer("http.port", defaultPort);
        String host = settings.string("http.host", "127.0.0.1");
        settings.rejectUnknown(java.util.Set.of());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop();
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "shutdown"));
        try {
            TopicAdmin.ensureTopics(kafka, registry);
            KafkaProbe probe = new KafkaProbe(kafka, Duration.ofSeconds(2));
            start(probe);
            List<Service> checked = new ArrayList<>(parts);
            checked.add(0, probe);
            for (Service p : parts) {
                start(p);
            }
            HttpEndpoints http = new HttpEndpoints(host, port, metrics, checked, 32L << 20, routes);
            start(http);
            // The bound port, which http.port=0 leaves to the system.
            log.info("{} running; health on http://{}:{}/healthz, /readyz, /metrics", name, host, http.port());
            System.out.println("hourglass " + name + ": running (http://" + host + ":" + http.port() + ")");
        } catch (RuntimeException e) {
            log.error("{} failed to start: {}", name, e.getMessage());
            stop();
            throw e;
        }
        done.await();
    }

    private void start(Service s) {
        s.start();
        started.add(s);
    }

    void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        log.info("{} stopping", name);
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).stop();
            } catch (RuntimeException e) {
                log.warn("Stopping {} failed: {}", started.get(i).name(), e.toString());
            }
        }
        log.info("{} stopped", name);
        done.countDown();
    }
}
