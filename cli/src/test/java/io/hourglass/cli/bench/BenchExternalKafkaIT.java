package io.hourglass.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.cli.kafka.KafkaNode;
import io.hourglass.core.kafka.KafkaSettings;
import io.hourglass.core.kafka.TopicAdmin;
import io.hourglass.core.kafka.Topics;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A bench run against a cluster of its own ({@code --kafka}) deletes the topics it made once each phase is done, and
 * leaves the cluster's other topics, Hourglass's control topics among them, where they were.
 */
class BenchExternalKafkaIT {
    @Test
    void theBenchDeletesItsOwnTopicsAndNoOthers(@TempDir Path dir) throws Exception {
        KafkaNode node = KafkaNode.single(dir.resolve("kafka"), 0);
        KafkaNode.Server kafka = node.server();
        kafka.start();
        try (Admin admin = Admin.create(KafkaSettings.singleNode(node.bootstrap()).admin("test"))) {
            List<String> theirs = List.of("orders", Topics.MARKERS);
            admin.createTopics(theirs.stream().map(t -> new NewTopic(t, 1, (short) 1)).toList())
                    .all().get(30, TimeUnit.SECONDS);
            TopicAdmin.awaitLeaders(admin, theirs);

            int exit = new CommandLine(new BenchCommand()).execute("--kafka", node.bootstrap(), "--duration", "5s",
                    "--events", "4000", "--types", "2", "--type-counts", "2", "--hosts", "2", "--rounds", "1",
                    "--warm-up-events", "4000");
            assertThat(exit).isZero();

            Set<String> left = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            assertThat(left).containsAll(theirs);
            assertThat(left).noneMatch(t -> t.startsWith("bench.") || t.startsWith(Topics.EVENTS_PREFIX));
        } finally {
            kafka.stop();
        }
    }
}
