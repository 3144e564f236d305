package io.hourglass.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bench stopped with SIGTERM (as Ctrl-C stops it) halfway leaves none of its broker's and runs' files behind. */
class BenchStopIT {
    @Test
    void aStoppedBenchRemovesItsFiles(@TempDir Path tmp) throws Exception {
        Path log = tmp.resolve("bench.log");
        Process bench = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
                "io.hourglass.cli.Main", "bench", "--duration", "60s", "--events", "200000", "--types", "2",
                "--type-counts", "2", "--hosts", "2", "--rounds", "1", "--warm-up-events", "0")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            String user = System.getProperty("user.name").replaceAll("[^\\w.-]", "_");
            Path folder = tmp.resolve("hourglass-" + user).resolve(Long.toString(bench.pid()));
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

    private static List<Path> benchFolders(Path folder) throws Exception {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.getFileName().toString().startsWith("bench")).toList();
        }
    }
}
