package io.hourglass.cli.chaos;

import io.hourglass.cli.Defaults;
import io.hourglass.cli.DurationConverter;
import io.hourglass.cli.kafka.KafkaNode;
import io.hourglass.cli.verify.LakeVerifier;
import io.hourglass.cli.verify.VerifyReport;
import io.hourglass.core.AcceleratedClock;
import io.hourglass.core.Hours;
import io.hourglass.core.kafka.KafkaSettings;
import io.hourglass.core.kafka.TopicAdmin;
import io.hourglass.core.registry.Registry;
import io.hourglass.core.registry.RegistryLoader;
import io.hourglass.writer.WriterConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hourglass chaos}: every component as its own JVM on loopback (3 Kafka nodes, 2 collectors, 3 agents,
 * 2 writers, the completionist), load from the client library, random SIGKILLs and SIGTERMs, then proof from the
 * final files that nothing was lost and nothing duplicated.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "Kill Hourglass's processes at random under load, then check the lake against the host logs.")
public final class ChaosCommand implements Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = "hourglass-chaos",
            description = "Must be empty or absent (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--duration", defaultValue = "120s", converter = DurationConverter.class,
            description = "How long to load and kill (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--seed", description = "Seed of the random choices (default: random, printed).")
    Long seed;

    @Option(names = "--rate", defaultValue = "60",
            description = "Events per second over all hosts (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--clock-rate", defaultValue = "60",
            description = "Simulated seconds per real second, shared by every process (default: ${DEFAULT-VALUE}).")
    double clockRate;

    @Option(names = "--settle-timeout", defaultValue = "300s", converter = DurationConverter.class,
            description = "How long to wait for every hour to close after the load stops (default: ${DEFAULT-VALUE}).")
    Duration settleTimeout;

    @Option(names = "--registry", description = "Directory of event type YAML files (default: the bundled examples).")
    Path registry;

    private final List<Proc> procs = new ArrayList<>();
    private final Map<String, Integer> kills = new TreeMap<>();
    private final Map<String, Integer> terms = new TreeMap<>();

    @Override
    public Integer call() throws Exception {
        if (Files.isDirectory(dataDir)) {
            try (Stream<Path> s = Files.list(dataDir)) {
                if (s.findAny().isPresent()) {
                    System.err.println("chaos: " + dataDir + " is not empty; pass a new --data-dir");
                    return 2;
                }
            }
        }
        long s = seed == null ? new Random().nextLong() : seed;
        Random random = new Random(s);
        Path registryDir = (registry == null ? Defaults.registryDir() : registry).toAbsolutePath();
        Registry types = RegistryLoader.load(registryDir);
        Instant realStart = Instant.now();
        Instant simStart = Hours.hourOf(realStart).plus(Duration.ofMinutes(50));
        Clock clock = new AcceleratedClock(simStart, realStart, clockRate, Clock.systemUTC());
        System.out.printf("chaos: seed %d, %s, %d events/s, clock x%.0f from %s, data in %s%n", s, duration, rate,
                clockRate, simStart, dataDir.toAbsolutePath());
        try {
            Cluster cluster = startCluster(registryDir, realStart, simStart);
            TopicAdmin.ensureTopics(cluster.kafka(), types);
            List<Proc> components = startComponents(cluster);
            awaitReady(components, Duration.ofSeconds(180));
            System.out.println("chaos: all " + procs.size() + " processes are up; load starts");
            List<String> hosts = List.of("host-1", "host-2", "host-3");
            long written;
            try (LoadGenerator load = new LoadGenerator(dataDir.resolve("hosts"), hosts, types, clock, rate, s)) {
                load.start();
                wreak(random, load);
                written = load.written();
            }
            System.out.printf("chaos: load stopped after %d events (simulated time %s); letting every hour close%n",
                    written, clock.instant());
            for (Proc p : procs) {
                if (!p.alive()) {
                    p.start();
                }
            }
            VerifyReport report = settle();
            return summarize(report, written);
        } finally {
            for (int i = procs.size() - 1; i >= 0; i--) {
                procs.get(i).terminate(15);
            }
        }
    }

    private record Cluster(KafkaSettings kafka, String common) {
    }

    private Cluster startCluster(Path registryDir, Instant realStart, Instant simStart) {
        LocalCluster cluster = new LocalCluster(dataDir, 3, Duration.ofSeconds(120));
        procs.addAll(cluster.nodes());
        KafkaSettings kafka = cluster.kafka();
        String common = String.join(" ", "--set", "kafka.bootstrap=" + kafka.bootstrap(),
                "--set", "kafka.replication-factor=3", "--set", "kafka.min-insync-replicas=2",
                "--set", "registry.dir=" + registryDir, "--set", "clock.rate=" + clockRate,
                "--set", "clock.origin=" + simStart, "--set", "clock.origin-real=" + realStart.toEpochMilli());
        return new Cluster(kafka, common);
    }

    /**
     * Starts the components. Collectors keep a fixed port, as agents dial them; the others take the system's choice
     * (0), which no other process can take between a kill and a restart.
     */
    private List<Proc> startComponents(Cluster c) {
        Path logs = dataDir.resolve("logs");
        List<Proc> started = new ArrayList<>();
        List<String> collectorUrls = new ArrayList<>();
        int[] collectorPorts = KafkaNode.freePorts(2);
        for (int i = 1; i <= 2; i++) {
            int port = collectorPorts[i - 1];
            collectorUrls.add("http://127.0.0.1:" + port);
            started.add(start(new Proc("collector-" + i, "collector", args(c, "collector", "http.port=" + port,
                    "collector.instance-id=c" + i), logs)));
        }
        for (int i = 1; i <= 3; i++) {
            started.add(start(new Proc("agent-" + i, "agent", args(c, "agent", "http.port=0",
                    "agent.hosts-dir=" + dataDir.resolve("hosts").toAbsolutePath(), "agent.host=host-" + i,
                    "agent.state-dir=" + dataDir.resolve("agent-state").toAbsolutePath(),
                    "agent.collectors=" + String.join(",", collectorUrls), "agent.grace=2m",
                    "agent.heartbeat-interval=20s", "agent.backoff-max=2s"), logs)));
        }
        for (int i = 1; i <= 2; i++) {
            // The second writer deduplicates through scratch files on disk, as writers do with big hours, stages
            // every event whole, as writers do with more open partition-hours than block memory, and keeps late ids
            // on disk, as writers do when a host comes back from a long outage.
            started.add(start(new Proc("writer-" + i, "writer", args(c, "writer", "http.port=0",
                    "data.dir=" + dataDir.toAbsolutePath(), "writer.instance-id=w" + i,
                    "writer.commit-interval=30s", "writer.retry-interval=1m",
                    "writer.dedup-memory-ids=" + (i == 1 ? WriterConfig.DEFAULT_DEDUP_MEMORY_IDS : 16),
                    "writer.block-memory=" + (i == 1 ? WriterConfig.DEFAULT_BLOCK_MEMORY : 0),
                    "writer.late-id-memory=" + (i == 1 ? WriterConfig.DEFAULT_LATE_ID_MEMORY : 0)), logs)));
        }
        started.add(start(new Proc("completionist", "completionist", args(c, "completionist", "http.port=0",
                "data.dir=" + dataDir.toAbsolutePath(), "completionist.host-timeout=10m"), logs)));
        return started;
    }

    private static List<String> args(Cluster c, String command, String... sets) {
        List<String> a = new ArrayList<>(List.of(command));
        boolean agent = command.equals("agent");
        String[] common = c.common().split(" ");
        for (int i = 0; i < common.length; i += 2) {
            if (agent && (common[i + 1].startsWith("kafka.") || common[i + 1].startsWith("registry."))) {
                continue;  // agents talk only to collectors
            }
            a.add(common[i]);
            a.add(common[i + 1]);
        }
        for (String s : sets) {
            a.add("--set");
            a.add(s);
        }
        return a;
    }

    private Proc start(Proc p) {
        procs.add(p);
        p.start();
        return p;
    }

    /** Waits until each component answers {@code /readyz} with 200 on the port it says it bound. */
    private static void awaitReady(List<Proc> components, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Proc p : components) {
            int port = p.awaitPort(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            URI u = URI.create("http://127.0.0.1:" + port + "/readyz");
            while (true) {
                try {
                    if (http.send(HttpRequest.newBuilder(u).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        break;
                    }
                } catch (java.io.IOException e) {
                    // not listening yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(u + " not ready within " + timeout);
                }
                Thread.sleep(250);
            }
        }
    }

    /** Kills one process at a time at random moments, restarting it before the next victim is chosen. */
    private void wreak(Random random, LoadGenerator load) throws InterruptedException {
        long end = System.nanoTime() + duration.toNanos();
        long nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            Thread.sleep(2000 + random.nextInt(4000));
            if (System.nanoTime() >= end) {
                break;
            }
            Proc victim = procs.get(random.nextInt(procs.size()));
            boolean term = random.nextInt(5) == 0;
            if (term) {
                victim.terminate(20);
                terms.merge(victim.kind(), 1, Integer::sum);
            } else {
                victim.kill();
                kills.merge(victim.kind(), 1, Integer::sum);
            }
            Thread.sleep(500 + random.nextInt(2500));
            victim.start();
            if (victim.kind().equals("kafka")) {
                Thread.sleep(5000);  // let the node rejoin before another one may go down
            }
            if (System.nanoTime() > nextReport) {
                System.out.printf("chaos: %d events written, kills %s, graceful stops %s%n", load.written(), kills,
                        terms);
                nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            }
        }
    }

    /** Waits until every event in the host logs is in a closed bucket, or the settle timeout runs out. */
    private VerifyReport settle() throws Exception {
        long deadline = System.nanoTime() + settleTimeout.toNanos();
        VerifyReport report;
        while (true) {
            report = new LakeVerifier(dataDir).verify();
            long missing = report.logged() - report.delivered() - report.rejected();
            if (missing == 0 || System.nanoTime() > deadline) {
                return report;
            }
            System.out.printf("chaos: %d of %d events in closed buckets, %d on their way%n", report.delivered(),
                    report.logged(), missing);
            Thread.sleep(5000);
        }
    }

    private int summarize(VerifyReport r, long written) {
        long lost = r.logged() - r.delivered() - r.rejected();
        long duplicated = r.violations().stream().filter(v -> v.contains("appears twice")).count();
        int totalKills = kills.values().stream().mapToInt(Integer::intValue).sum();
        System.out.printf("chaos: SIGKILLs per component %s, SIGTERMs %s%n", kills, terms);
        System.out.printf("chaos: written %d, in host logs %d, delivered %d, rejected %d, lost %d, duplicated %d;"
                        + " %d buckets closed (%d incomplete), %d duplicates dropped, %d late%n",
                written, r.logged(), r.delivered(), r.rejected(), lost, duplicated, r.buckets().size(),
                r.incompleteBuckets(), r.duplicatesDropped(), r.lateEvents());
        r.violations().stream().limit(20).forEach(v -> System.out.println("chaos: VIOLATION " + v));
        System.out.printf("chaos: %d events, %d kills, %d lost, %d duplicated%n", r.logged(), totalKills, lost,
                duplicated);
        return lost == 0 && r.ok() ? 0 : 1;
    }
}
