package io.hourglass.cli.distributed;

import io.hourglass.cli.kafka.KafkaNode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hourglass kafka}: one KRaft node from the embedded server classes, so a cluster runs with no download. */
@Command(name = "kafka", mixinStandardHelpOptions = true,
        description = "Run one Kafka node (broker and controller). Three with the same --voters and --cluster-id form"
                + " a cluster.")
public final class KafkaCommand implements Callable<Integer> {
    @Option(names = "--node-id", description = "This node's id, one of the voters.")
    Integer nodeId;

    @Option(names = "--data-dir", description = "Log directory.")
    Path dataDir;

    @Option(names = "--port", description = "Client port on 127.0.0.1.")
    Integer port;

    @Option(names = "--controller-port", description = "KRaft controller port on 127.0.0.1.")
    Integer controllerPort;

    @Option(names = "--voters", description = "Controller quorum, e.g. 1@127.0.0.1:19091,2@127.0.0.1:19092")
    String voters;

    @Option(names = "--cluster-id", description = "The same on every node (any base64 UUID).")
    String clusterId;

    @Option(names = "--new-cluster-id", description = "Print a fresh cluster id for --cluster-id and exit.")
    boolean newClusterId;

    @Override
    public Integer call() throws Exception {
        if (newClusterId) {
            System.out.println(KafkaNode.newClusterId());
            return 0;
        }
        if (nodeId == null || dataDir == null || port == null || controllerPort == null || voters == null
                || clusterId == null) {
            System.err.println("hourglass kafka: --node-id, --data-dir, --port, --controller-port, --voters and"
                    + " --cluster-id are required");
            return 2;
        }
        int replicas = Math.min(3, voters.split(",").length);
        KafkaNode.Server server = new KafkaNode(nodeId, dataDir, port, controllerPort, voters, clusterId, replicas)
                .server();
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            done.countDown();
        }, "shutdown"));
        server.start();
        System.out.println("hourglass kafka: node " + nodeId + " running on 127.0.0.1:" + port);
        done.await();
        return 0;
    }
}
