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
    @Option(names = "--node-id", required = true, description = "This node's id, one of the voters.")
    int nodeId;

    @Option(names = "--data-dir", required = true, description = "Log directory.")
    Path dataDir;

    @Option(names = "--port", required = true, description = "Client port on 127.0.0.1.")
    int port;

    @Option(names = "--controller-port", required = true, description = "KRaft controller port on 127.0.0.1.")
    int controllerPort;

    @Option(names = "--voters", required = true, description = "Controller quorum, e.g. 1@127.0.0.1:19091,2@127.0.0.1:19092")
    String voters;

    @Option(names = "--cluster-id", required = true, description = "The same on every node (any base64 UUID).")
    String clusterId;

    @Override
    public Integer call() throws Exception {
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
