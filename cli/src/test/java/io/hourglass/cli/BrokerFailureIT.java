package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hourglass.cli.chaos.LocalCluster;
import io.hourglass.cli.chaos.Proc;
import io.hourglass.cli.demo.HostSimulator;
import io.hourglass.cli.standalone.Standalone;
import io.hourglass.cli.standalone.StandaloneConfig;
import io.hourglass.cli.verify.LakeVerifier;
import io.hourglass.cli.verify.VerifyReport;
import io.hourglass.core.Hours;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.kafka.KafkaSettings;
import io.hourglass.core.registry.EventType;
import io.hourglass.core.registry.Registry;
import io.hourglass.core.registry.RegistryLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broker of a 3-node cluster is SIGKILLed while agents ship a backlog with acks=all; nothing is lost. */
class BrokerFailureIT {
    @Test
    void brokerKilledUnderLoadLosesNothingAndDuplicatesNothing(@TempDir Path dir) throws Exception {
        LocalCluster cluster = new LocalCluster(dir, 3, Duration.ofSeconds(120));
        Registry registry = RegistryLoader.load(TestBed.REGISTRY);
        Instant hour = Hours.hourOf(Instant.now()).minus(Duration.ofHours(2));
        long logged = 0;
        SplittableRandom random = new SplittableRandom(5);
        for (String host : List.of("host-1", "host-2")) {
            try (HostSimulator sim = new HostSimulator(dir.resolve("hosts"), host, registry, Clock.systemUTC(),
                    random.split())) {
                // Enough that the agents are still shipping when the broker dies: the kill follows the first
                // 2000 events in Kafka, and 2 x 25,000 were sometimes all there by then.
                logged += sim.logHour(hour, 100_000, 0);
            }
        }
        StandaloneConfig config = StandaloneConfig.defaults(dir, TestBed.REGISTRY).withPorts(0, 0)
                .withExternalKafka(cluster.kafka().bootstrap(), 3);
        try (Standalone hourglass = new Standalone(config).start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> inKafka(cluster.kafka(), registry) >= 2000);
            Proc victim = cluster.nodes().get(1);
            long beforeKill = inKafka(cluster.kafka(), registry);
            victim.kill();
            assertThat(beforeKill).as("killed under load, not after it").isLessThan(logged);
            Thread.sleep(3000);  // the cluster runs on two nodes: acks=all with min.insync.replicas=2 still works
            victim.start();
            cluster.awaitNodes(3, Duration.ofSeconds(60));

            for (EventType t : registry.all()) {
                Path success = dir.resolve("lake").resolve(new BucketId(t.name(), hour).path()).resolve("_SUCCESS");
                await().atMost(Duration.ofSeconds(120)).until(() -> Files.exists(success));
            }
            VerifyReport report = new LakeVerifier(dir).verify();
            assertThat(report.violations()).isEmpty();
            assertThat(report.logged()).isEqualTo(logged);
            assertThat(report.delivered()).as("every logged event is in a closed bucket").isEqualTo(logged);
            assertThat(report.incompleteBuckets()).isZero();
        } finally {
            cluster.stop();
        }
    }

    private static long inKafka(KafkaSettings kafka, Registry registry) {
        return EventCounter.count(kafka, registry.all().stream().map(EventType::topic).toList());
    }
}
