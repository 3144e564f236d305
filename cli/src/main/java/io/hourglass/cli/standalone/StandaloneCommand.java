package io.hourglass.cli.standalone;

import io.hourglass.cli.Defaults;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hourglass standalone}: every component in one JVM, on an embedded Kafka unless told otherwise. */
@Command(name = "standalone", mixinStandardHelpOptions = true,
        description = "Run Hourglass in one process: embedded Kafka (KRaft), collector, agent, writers, completionist.")
public final class StandaloneCommand implements Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = "hourglass-data",
            description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--registry", description = "Directory of event type YAML files (default: the bundled examples).")
    Path registry;

    @Option(names = "--http-port", defaultValue = "7070",
            description = "Collector and health port (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--kafka-port", defaultValue = "9092",
            description = "Embedded Kafka port (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--kafka", description = "Bootstrap servers of an external Kafka; no embedded broker is started.")
    String externalKafka;

    @Option(names = "--grace", defaultValue = "PT2M",
            description = "How long after an hour ends agents' files and clients posting directly may still add to"
                    + " it before it is sealed (default: ${DEFAULT-VALUE}).")
    Duration grace;

    @Override
    public Integer call() throws Exception {
        Path registryDir = registry == null ? Defaults.registryDir() : registry;
        StandaloneConfig config = StandaloneConfig.defaults(dataDir, registryDir)
                .withPorts(httpPort, kafkaPort).withAgentGrace(grace).withExternalKafka(externalKafka);
        Standalone hourglass = new Standalone(config).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("hourglass: shutting down");
            hourglass.close();
            stopped.countDown();
        }, "shutdown"));
        System.out.println("hourglass: standalone running");
        System.out.println("  collector:  " + hourglass.collectorUrl() + "/v1/events");
        System.out.println("  kafka:      " + hourglass.bootstrap());
        System.out.println("  data dir:   " + dataDir.toAbsolutePath());
        System.out.println("  host logs:  " + dataDir.resolve("hosts").toAbsolutePath()
                + "/<host>/YYYY-MM-DDTHH.jsonl");
        System.out.println("  health:     " + hourglass.collectorUrl() + "/healthz, /readyz, /metrics");
        stopped.await();
        return 0;
    }
}
