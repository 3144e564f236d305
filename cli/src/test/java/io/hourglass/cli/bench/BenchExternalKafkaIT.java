package io.hourglass.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.cli.kafka.KafkaNode;
import io.hourglass.core.kafka.KafkaSettings;
import io.hourglass.core.kafka.TopicAdmin;
import io.hourglass.core.kafka.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
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
 * A bench run against an external cluster ({@code --kafka}) leaves it with the topics it had: it deletes every topic it
 * made once a phase is done with it, and it refuses a cluster that holds Hourglass's control topics, which a
 * deployment's components read and write.
 */
class BenchExternalKafkaIT {
    @Test
    void theBenchLeavesTheClusterAsItFoundItAndRefusesOneHoldingControlTopics(@TempDir Path dir) throws Exception {
        KafkaNode node = KafkaNode.single(dir.resolve("kafka"), 0);
        KafkaNode.Server kafka = node.server();
        kafka.start();
        try (Admin admin = Admin.create(KafkaSettings.singleNode(node.bootstrap()).admin("test"))) {
            create(admin, List.of("orders"));

            assertThat(bench(node.bootstrap(), new StringWriter())).isZero();
            assertThat(topics(admin)).containsExactly("orders");

            create(admin, List.of(Topics.MARKERS));
            StringWriter err = new StringWriter();
            assertThat(bench(node.bootstrap(), err)).isEqualTo(2);
            assertThat(err.toString()).startsWith("bench: ").contains(Topics.MARKERS, "a cluster of its own");
            assertThat(topics(admin)).containsExactlyInAnyOrder("orders", Topics.MARKERS);
        } finally {
            kafka.stop();
        }
    }

    private static int bench(String bootstrap, StringWriter err) {
        return new CommandLine(new BenchCommand()).setErr(new PrintWriter(err, true)).execute("--kafka", bootstrap,
                "--duration", "12s", "--events", "4000", "--types", "2", "--type-counts", "2", "--hosts", "2",
                "--rounds", "1", "--warm-up-events", "0");  // the warm-ups make and drop topics as the rounds do
    }

    private static void create(Admin admin, List<String> topics) throws Exception {
        admin.createTopics(topics.stream().map(t -> new NewTopic(t, 1, (short) 1)).toList())
                .all().get(30, TimeUnit.SECONDS);
        TopicAdmin.awaitLeaders(admin, topics);
    }

    private static Set<String> topics(Admin admin) throws Exception {
        return admin.listTopics().names().get(30, TimeUnit.SECONDS);
    }
}
