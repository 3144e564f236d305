package io.hourglass.cli.kafka;

import static java.util.Objects.requireNonNull;

import io.hourglass.core.HourglassException;
import io.hourglass.core.service.Service;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka node in KRaft mode, broker and controller in one, run from the Kafka server classes inside this JVM.
 * Its log directory is formatted on first start and reused afterwards. A single node is the embedded default; three
 * of them with the same voters and cluster id form a cluster.
 *
 * @param nodeId         this node's id, one of the voters
 * @param dataDir        log and metadata directory
 * @param port           client port
 * @param controllerPort KRaft controller port
 * @param voters         {@code id@host:controllerPort,...}, every node's controller endpoint
 * @param clusterId      the same on every node; {@link #newClusterId()} makes one
 * @param replicas       replication factor of Kafka's internal topics (the cluster size, at most 3)
 */
public record KafkaNode(int nodeId, Path dataDir, int port, int controllerPort, String voters, String clusterId,
                        int replicas) {
    /** Where {@link #freePorts} looks: below every common system's range of ephemeral ports. */
    static final int FIXED_PORTS_FROM = 20_000;
    static final int FIXED_PORTS_TO = 32_767;

    public KafkaNode {
        requireNonNull(dataDir, "dataDir is null");
        requireNonNull(voters, "voters is null");
        requireNonNull(clusterId, "clusterId is null");
    }

    /** The embedded default: one node on free ports (or {@code port}), with a fresh cluster id. */
    public static KafkaNode single(Path dataDir, int port) {
        int[] free = freePorts(2);
        int controller = free[0] == port ? free[1] : free[0];
        return new KafkaNode(1, dataDir, port == 0 ? free[1] : port, controller, "1@127.0.0.1:" + controller,
                newClusterId(), 1);
    }

    public static String newClusterId() {
        return org.apache.kafka.common.Uuid.randomUuid().toString();
    }

    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    public Server server() {
        return server(Map.of());
    }

    /**
     * A node that shares its JVM's heap with Hourglass's components, as the standalone's and the bench's do. Kafka's
     * log cleaner holds a 128 MiB offset map on the heap from its start, a quarter of 512 MB. It compacts the control
     * topics and consumer offsets here: a few keys a host and hour and a bucket, tens of thousands a day for a thousand
     * hosts and hundreds of types. 16 MiB maps about 600,000 keys a cleaning pass; more take further passes.
     */
    public Server embedded() {
        return embedded(Map.of());
    }

    /** An {@link #embedded()} node with some more of Kafka's settings. */
    public Server embedded(Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>(overrides);
        settings.putIfAbsent("log.cleaner.dedupe.buffer.size", Integer.toString(16 << 20));
        return server(settings);
    }

    /** A node with some of Kafka's settings other than {@link Server#start()} sets them (the bench's, for one). */
    public Server server(Map<String, String> overrides) {
        return new Server(this, Map.copyOf(overrides));
    }

    public static int freePort() {
        return freePorts(1)[0];
    }

    /**
     * {@code count} ports free now, all different: each is held until every one is chosen, as the system may hand
     * out a port again once it is closed (a chaos run once gave two nodes the same controller port). They are for
     * processes that bind them later, and again after a restart, so they come from below the range the system hands
     * out for port 0 and for the local end of outgoing connections (32768 and up on Linux, 49152 and up elsewhere):
     * a chaos run once lost its collector's port to a connection of its own Kafka clients before the collector had
     * started.
     */
    public static int[] freePorts(int count) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[count];
            int span = FIXED_PORTS_TO - FIXED_PORTS_FROM + 1;
            int next = ThreadLocalRandom.current().nextInt(span);  // callers at the same time start apart
            for (int i = 0; i < count; i++) {
                ServerSocket socket = null;
                for (int tried = 0; socket == null; tried++) {
                    if (tried == span) {
                        throw new HourglassException("no free local port from " + FIXED_PORTS_FROM + " to "
                                + FIXED_PORTS_TO);
                    }
                    socket = bindOrNull(FIXED_PORTS_FROM + next);
                    next = (next + 1) % span;
                }
                held.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing a socket that never accepted: nothing to lose
                }
            }
        }
    }

    private static ServerSocket bindOrNull(int port) {
        try {
            return new ServerSocket(port);
        } catch (IOException taken) {
            return null;
        }
    }

    /** The running node. */
    public static final class Server implements Service {
        private static final Logger log = LoggerFactory.getLogger(Server.class);
        private final KafkaNode node;
        private final Map<String, String> overrides;
        private final AtomicBoolean stopped = new AtomicBoolean();
        private KafkaRaftServer server;

        private Server(KafkaNode node, Map<String, String> overrides) {
            this.node = node;
            this.overrides = overrides;
        }

        @Override
        public void start() {
            Path dir = node.dataDir().toAbsolutePath();
            String replicas = Integer.toString(node.replicas());
            Properties p = new Properties();
            p.put("process.roles", "broker,controller");
            p.put("node.id", Integer.toString(node.nodeId()));
            p.put("controller.quorum.voters", node.voters());
            p.put("listeners", "PLAINTEXT://127.0.0.1:" + node.port() + ",CONTROLLER://127.0.0.1:"
                    + node.controllerPort());
            p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + node.port());
            p.put("controller.listener.names", "CONTROLLER");
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.put("inter.broker.listener.name", "PLAINTEXT");
            p.put("log.dirs", dir.toString());
            p.put("offsets.topic.replication.factor", replicas);
            p.put("offsets.topic.num.partitions", "4");
            p.put("transaction.state.log.replication.factor", replicas);
            p.put("transaction.state.log.min.isr", Integer.toString(Math.max(1, node.replicas() - 1)));
            p.put("share.coordinator.state.topic.replication.factor", replicas);
            p.put("share.coordinator.state.topic.min.isr", Integer.toString(Math.max(1, node.replicas() - 1)));
            p.put("group.initial.rebalance.delay.ms", "0");
            p.put("auto.create.topics.enable", "false");
            p.put("unclean.leader.election.enable", "false");
            // Kafka's default 8 request threads contend on partition locks when they outnumber the cores.
            int cores = Runtime.getRuntime().availableProcessors();
            p.put("num.io.threads", Integer.toString(Math.max(2, Math.min(8, cores))));
            // Each new segment maps sparse index files of this size; on this kernel faults on them zero-filled large
            // folios, and at 300 partitions the broker spent a third of the CPU in memset and stalled for seconds.
            // With 64 KiB and an index entry per 16 KiB of log, a segment rolls after ~85 MiB (5,461 time entries).
            p.put("log.index.size.max.bytes", Integer.toString(64 * 1024));
            p.put("log.index.interval.bytes", Integer.toString(16 * 1024));
            p.put("num.network.threads", Integer.toString(Math.max(1, Math.min(3, cores / 2))));
            p.putAll(overrides);
            try {
                Files.createDirectories(dir);
                if (!Files.exists(dir.resolve("meta.properties"))) {
                    new Formatter()
                            .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
                            .setNodeId(node.nodeId())
                            .setClusterId(node.clusterId())
                            .setDirectories(List.of(dir.toString()))
                            .setMetadataLogDirectory(dir.toString())
                            .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                            .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                            .setControllerListenerName("CONTROLLER")
                            .run();
                }
                server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
                server.startup();
            } catch (Exception e) {
                throw new HourglassException("cannot start Kafka node " + node.nodeId() + " in " + dir + ": "
                        + e.getMessage() + ". Are ports " + node.port() + " and " + node.controllerPort()
                        + " free, and the directory writable?", e);
            }
            log.info("Kafka node {} listening on {} (controller port {}, data in {})", node.nodeId(),
                    node.bootstrap(), node.controllerPort(), dir);
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
            return "kafka-node-" + node.nodeId();
        }
    }
}
