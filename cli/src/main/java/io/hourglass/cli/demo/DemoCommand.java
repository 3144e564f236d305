package io.hourglass.cli.demo;

import io.hourglass.cli.Defaults;
import io.hourglass.cli.standalone.Standalone;
import io.hourglass.cli.standalone.StandaloneConfig;
import io.hourglass.core.Hours;
import io.hourglass.core.Json;
import io.hourglass.core.control.Announcement;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.kafka.KafkaSettings;
import io.hourglass.core.kafka.TopicTailer;
import io.hourglass.core.kafka.Topics;
import io.hourglass.core.registry.EventType;
import io.hourglass.core.registry.Registry;
import io.hourglass.core.registry.RegistryLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hourglass demo}: starts standalone Hourglass, has simulated hosts log a backlog of past hours plus live
 * events, and prints each bucket as it closes.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run standalone Hourglass with simulated hosts and print buckets as they close.")
public final class DemoCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = "hourglass-data",
            description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--registry", description = "Directory of event type YAML files (default: the bundled examples).")
    Path registry;

    @Option(names = "--hosts", defaultValue = "3", description = "Simulated hosts (default: ${DEFAULT-VALUE}).")
    int hosts;

    @Option(names = "--events", defaultValue = "500",
            description = "Events each host logs in each past hour (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--hours", defaultValue = "3", description = "Past hours to backfill (default: ${DEFAULT-VALUE}).")
    int hours;

    @Option(names = "--http-port", defaultValue = "0", description = "Collector port (default: a free one).")
    int httpPort;

    @Option(names = "--exit-when-closed", description = "Exit 0 once every simulated past hour is closed.")
    boolean exitWhenClosed;

    @Option(names = "--timeout", defaultValue = "PT5M",
            description = "With --exit-when-closed, give up (exit 1) after this long (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        if (hosts < 1 || events < 1 || hours < 1) {
            System.err.println("demo: --hosts, --events and --hours must be at least 1");
            return 2;
        }
        Clock clock = Clock.systemUTC();
        Path registryDir = registry == null ? Defaults.registryDir() : registry;
        StandaloneConfig config = StandaloneConfig.defaults(dataDir, registryDir)
                .withPorts(httpPort, 0).withAgentGrace(Duration.ofSeconds(10));
        Instant started = clock.instant();
        Registry types = RegistryLoader.load(config.registryDir());
        Instant current = Hours.hourOf(clock.instant());
        List<Instant> past = new ArrayList<>();
        for (int i = hours; i >= 1; i--) {
            past.add(current.minus(Duration.ofHours(i)));
        }
        Set<BucketId> wanted = ConcurrentHashMap.newKeySet();
        for (EventType t : types.all()) {
            past.forEach(h -> wanted.add(new BucketId(t.name(), h)));
        }
        // The backlog is on disk before the agents start, as on a host that comes back after a while.
        List<HostSimulator> sims = simulate(types, clock, past);
        System.out.printf("demo: %d hosts logged %d events each for the past hours %s to %s (a backlog, using the"
                        + " real clock); live events go to the current hour %s.%n",
                hosts, events * past.size(), past.get(0), past.get(past.size() - 1), current);
        try (Standalone hourglass = new Standalone(config).start()) {
            System.out.println("demo: Hourglass standalone is up. Collector " + hourglass.collectorUrl()
                    + "/v1/events, Kafka " + hourglass.bootstrap() + ", data in " + dataDir.toAbsolutePath());
            CountDownLatch allClosed = new CountDownLatch(1);
            try (TopicTailer buckets = new TopicTailer(KafkaSettings.singleNode(hourglass.bootstrap()),
                    "hourglass-demo", List.of(Topics.BUCKETS), r -> {
                        Announcement m = Json.fromBytes(r.value(), Announcement.class);
                        System.out.println(describe(m));
                        if (wanted.remove(m.bucket()) && wanted.isEmpty()) {
                            allClosed.countDown();
                        }
                    })) {
                buckets.start();
                Thread live = liveTraffic(sims);
                try {
                    if (exitWhenClosed) {
                        if (!allClosed.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                            System.out.println("demo: FAILED: not closed within " + timeout + ": " + wanted);
                            return 1;
                        }
                        System.out.printf("demo: every past hour is closed (%d buckets) %d s after start. Run"
                                        + " 'bin/hourglass verify --data-dir %s' to check them.%n",
                                types.all().size() * past.size(),
                                Duration.between(started, clock.instant()).toSeconds(), dataDir);
                        return 0;
                    }
                    System.out.println("demo: running; press Ctrl-C to stop.");
                    Runtime.getRuntime().addShutdownHook(new Thread(hourglass::close));
                    new CountDownLatch(1).await();
                    return 0;
                } finally {
                    live.interrupt();
                    live.join(2000);
                    sims.forEach(HostSimulator::close);
                }
            }
        }
    }

    private List<HostSimulator> simulate(Registry types, Clock clock, List<Instant> past) throws IOException {
        Path hostsDir = dataDir.resolve("hosts");
        List<HostSimulator> sims = new ArrayList<>();
        SplittableRandom seed = new SplittableRandom(clock.millis());
        for (int i = 1; i <= hosts; i++) {
            HostSimulator sim = new HostSimulator(hostsDir, "demo-host-" + i, types, clock,
                    seed.split());
            for (Instant h : past) {
                sim.logHour(h, events, 100);
            }
            sims.add(sim);
        }
        // One service crashed mid-write: a torn line. It must end up in bad rows, with a reason.
        Path torn = hostsDir.resolve("demo-host-1").resolve(Hours.logFileName(past.get(0)));
        Files.writeString(torn, "{\"id\":\"torn-write\",\"type\":\"SearchViewRes\n", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        return sims;
    }

    private static Thread liveTraffic(List<HostSimulator> sims) {
        Thread t = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    sims.forEach(HostSimulator::logNow);
                    Thread.sleep(200);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "demo-live-traffic");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String describe(Announcement m) {
        return String.format("closed  %-24s %s  events=%-5d hosts=%d dups_dropped=%-3d late=%-3d close_delay=%s  %s",
                m.type(), m.hour(), m.events(), m.hostCount(), m.duplicatesDropped(), m.lateEvents(),
                Duration.ofSeconds(m.closeDelaySeconds()).toString().substring(2).toLowerCase(),
                m.complete() ? "complete"
                        : "INCOMPLETE, missing " + m.missingHostCount() + ": " + m.missingHostsSample());
    }
}
