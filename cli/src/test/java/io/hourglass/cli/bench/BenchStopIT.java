package io.hourglass.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hourglass.cli.ScratchFolder;
import io.hourglass.cli.kafka.KafkaNode;
import io.hourglass.core.kafka.KafkaSettings;
import io.hourglass.core.kafka.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bench stopped with SIGTERM (as Ctrl-C stops it) halfway leaves nothing behind: none of its broker's and runs'
 * files, and on an external cluster none of its topics, whose control topics would make the next run refuse it.
 */
class BenchStopIT {
    @Test
    void aStoppedBenchRemovesItsFiles(@TempDir Path tmp) throws Exception {
        Path log = tmp.resolve("bench.log");
        Process bench = startBench(tmp, log);
        try {
            Path folder = ScratchFolder.of(tmp, bench.pid());
            // Its broker holds topics, and the raw phase has begun.
            await().atMost(Duration.ofSeconds(60)).until(() -> benchFolders(folder).stream()
                    .anyMatch(b -> Files.isDirectory(b.resolve("kafka")))
                    && Files.readString(log).contains("raw Kafka produce"));
            assertThat(bench.isAlive()).isTrue();

            bench.destroy();
            assertThat(bench.waitFor(60, TimeUnit.SECONDS)).as("stopped within a minute").isTrue();
            assertThat(benchFolders(folder)).as("what the bench made, after:\n%s", Files.readString(log)).isEmpty();
        } finally {
            bench.destroyForcibly();
        }
    }

    @Test
    void aStoppedBenchDeletesItsTopicsFromAnExternalCluster(@TempDir Path tmp) throws Exception {
        KafkaNode node = KafkaNode.single(tmp.resolve("kafka"), 0);
        KafkaNode.Server kafka = node.server();
        kafka.start();
        Path log = tmp.resolve("bench.log");
        Process bench = startBench(tmp, log, "--kafka", node.bootstrap());
        try (Admin admin = Admin.create(KafkaSettings.singleNode(node.bootstrap()).admin("test"))) {
            // A run of Hourglass has made its control topics.
            await().atMost(Duration.ofSeconds(90)).until(() -> topics(admin).containsAll(Topics.CONTROL));
            assertThat(bench.isAlive()).isTrue();

            bench.destroy();
            assertThat(bench.waitFor(60, TimeUnit.SECONDS)).as("stopped within a minute").isTrue();
            assertThat(topics(admin)).as("the cluster's topics after the stop; the bench said:\n%s",
                    Files.readString(log)).isEmpty();
        } finally {
            bench.destroyForcibly();
            kafka.stop();
        }
    }

    private static Process startBench(Path tmp, Path log, String... more) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
                "io.hourglass.cli.Main", "bench", "--duration", "30s", "--events", "200000", "--types", "2",
                "--type-counts", "2", "--hosts", "2", "--rounds", "1", "--warm-up-events", "0"));
        cmd.addAll(List.of(more));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static Set<String> topics(Admin admin) throws Exception {
        return admin.listTopics().names().get(30, TimeUnit.SECONDS);
    }

    private static List<Path> benchFolders(Path folder) throws Exception {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.getFileName().toString().startsWith("bench")).toList();
        }
    }
}
