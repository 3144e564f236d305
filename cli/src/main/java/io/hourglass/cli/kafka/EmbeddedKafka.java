package io.hourglass.cli.kafka;

import static java.util.Objects.requireNonNull;

import io.hourglass.core.HourglassException;
import io.hourglass.core.service.Service;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka (KRaft, broker and controller in one) inside this JVM. Its log directory is formatted on
 * first start and reused afterwards, so a standalone restart keeps its topics and offsets.
 */
public final class EmbeddedKafka implements Service {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

    private final Path logDir;
    private final int port;
    private final int controllerPort;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private KafkaRaftServer server;

    /** {@code port} 0 picks a free port. */
    public EmbeddedKafka(Path logDir, int port) {
        this.logDir = requireNonNull(logDir, "logDir is null").toAbsolutePath();
        this.port = port == 0 ? freePort() : port;
        this.controllerPort = freePort();
    }

    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void start() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
        try {
            Files.createDirectories(logDir);
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                new Formatter()
                        .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
                        .setNodeId(1)
                        .setClusterId(Uuid.randomUuid().toString())
                        .setDirectories(List.of(logDir.toString()))
                        .setMetadataLogDirectory(logDir.toString())
                        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                        .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                        .setControllerListenerName("CONTROLLER")
                        .run();
            }
            server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
            server.startup();
        } catch (Exception e) {
            throw new HourglassException("cannot start embedded Kafka in " + logDir + ": " + e.getMessage()
                    + ". Is port " + port + " free, and the directory writable?", e);
        }
        log.info("Embedded Kafka listening on {} (data in {})", bootstrap(), logDir);
    }

    @Override
    public void stop() {
        if (server != null && stopped.compareAndSet(false, true)) {
            server.shutdown();
            server.awaitShutdown();
        }
    }

    @Override
    public String name() {
        return "kafka-embedded";
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new HourglassException("no free local port: " + e.getMessage(), e);
        }
    }
}
