package io.hourglass.cli.chaos;

import io.hourglass.cli.kafka.KafkaNode;
import io.hourglass.core.HourglassException;
import io.hourglass.core.kafka.KafkaSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/** A Kafka cluster of {@code hourglass kafka} processes on loopback, each node a separate JVM that can be killed. */
public final class LocalCluster {
    private final List<Proc> nodes = new ArrayList<>();
    private final KafkaSettings kafka;

    /** Starts {@code size} nodes under {@code dataDir/kafka-N} and waits until they form a cluster. */
    public LocalCluster(Path dataDir, int size, Duration timeout) {
        String clusterId = KafkaNode.newClusterId();
        int[] free = KafkaNode.freePorts(2 * size);
        int[] ports = Arrays.copyOfRange(free, 0, size);
        int[] controllers = Arrays.copyOfRange(free, size, 2 * size);
        StringBuilder voters = new StringBuilder();
        for (int i = 0; i < size; i++) {
            voters.append(i == 0 ? "" : ",").append(i + 1).append("@127.0.0.1:").append(controllers[i]);
        }
        List<String> bootstrap = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            Proc k = new Proc("kafka-" + (i + 1), "kafka", List.of("kafka", "--node-id", Integer.toString(i + 1),
                    "--data-dir", dataDir.resolve("kafka-" + (i + 1)).toString(), "--port", Integer.toString(ports[i]),
                    "--controller-port", Integer.toString(controllers[i]), "--voters", voters.toString(),
                    "--cluster-id", clusterId), dataDir.resolve("logs"));
            nodes.add(k);
            k.start();
            bootstrap.add("127.0.0.1:" + ports[i]);
        }
        int replicas = Math.min(3, size);
        this.kafka = new KafkaSettings(String.join(",", bootstrap), 3, (short) replicas, Math.max(1, replicas - 1));
        try {
            awaitNodes(size, timeout);
        } catch (RuntimeException e) {
            stop();  // the caller never gets the nodes to stop them
            throw e;
        }
    }

    public KafkaSettings kafka() {
        return kafka;
    }

    public List<Proc> nodes() {
        return List.copyOf(nodes);
    }

    /** Waits until {@code count} brokers are registered. */
    public void awaitNodes(int count, Duration timeout) {
        try (Admin admin = Admin.create(kafka.admin("local-cluster"))) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                try {
                    if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() >= count) {
                        return;
                    }
                } catch (Exception e) {
                    // not up yet
                }
                if (System.nanoTime() > deadline) {
                    throw new HourglassException("the Kafka cluster did not reach " + count + " nodes within "
                            + timeout + "; see the kafka-N.log files");
                }
                Thread.sleep(500);
            }
        } catch (InterruptedException e) {
            throw HourglassException.interrupted("waiting for Kafka nodes", e);
        }
    }

    public void stop() {
        nodes.forEach(n -> n.terminate(15));
    }
}
