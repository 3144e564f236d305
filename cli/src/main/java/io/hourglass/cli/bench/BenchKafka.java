package io.hourglass.cli.bench;

import io.hourglass.core.kafka.KafkaSettings;
import io.hourglass.core.kafka.TopicAdmin;
import io.hourglass.core.kafka.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The broker the bench runs on, and the topics it makes there and deletes once a phase is done with them, so that
 * every phase meets the broker in the same state.
 */
final class BenchKafka {
    private static final long TIMEOUT_S = 60;

    private final String bootstrap;
    private final int partitions;
    private final Path logs;
    /** The topics of phases not done yet: a bench stopped halfway deletes them from an external cluster. */
    private final Set<String> live = ConcurrentHashMap.newKeySet();

    /**
     * @param bootstrap  its bootstrap servers
     * @param partitions partitions a topic, raw and end to end alike
     * @param logs       the embedded broker's log folder, or null for an external cluster
     */
    BenchKafka(String bootstrap, int partitions, Path logs) {
        this.bootstrap = bootstrap;
        this.partitions = partitions;
        this.logs = logs;
    }

    String bootstrap() {
        return bootstrap;
    }

    int partitions() {
        return partitions;
    }

    /** The settings of the bench's own clients: one replica, {@code partitions} a topic. */
    KafkaSettings settings() {
        return new KafkaSettings(bootstrap, partitions, (short) 1, 1);
    }

    /** Creates {@code count} new topics named {@code prefix} and a number, and waits for their leaders. */
    List<String> createTopics(String prefix, int count) throws Exception {
        List<String> topics = new ArrayList<>();
        try (Admin admin = Admin.create(settings().admin("bench"))) {
            List<NewTopic> create = new ArrayList<>();
            for (int t = 0; t < count; t++) {
                topics.add(prefix + t);
                create.add(new NewTopic(prefix + t, partitions, (short) 1));
            }
            live.addAll(topics);
            admin.createTopics(create).all().get(TIMEOUT_S, TimeUnit.SECONDS);
            TopicAdmin.awaitLeaders(admin, topics);
        }
        return topics;
    }

    /**
     * The control topics an external cluster holds before the bench starts: a deployment's, whose markers and decisions
     * the bench's runs would read, mix with their own and then delete, or those a stopped bench run left.
     */
    List<String> controlTopicsHeld() throws Exception {
        try (Admin admin = Admin.create(settings().admin("bench"))) {
            return existing(admin, Topics.CONTROL);
        }
    }

    /**
     * Deletes the bench's own topics once a phase is done with them; those that do not exist are no error. On the
     * embedded broker, waits until their files are gone too: removing a gigabyte of logs stalled a later phase's
     * events for a second when Kafka did it a minute after the deletion, its default.
     */
    void deleteTopics(Collection<String> topics) throws Exception {
        try (Admin admin = Admin.create(settings().admin("bench"))) {
            admin.deleteTopics(existing(admin, topics)).all().get(TIMEOUT_S, TimeUnit.SECONDS);
        }
        live.removeAll(topics);
        if (logs == null) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        while (hasDeletedLogs()) {
            if (System.nanoTime() > deadline) {
                BenchCommand.progress("Kafka still holds files of deleted topics after " + TIMEOUT_S + " s; going on,"
                        + " but the next phase may pay for their removal");
                return;
            }
            Thread.sleep(100);
        }
    }

    /** Topics that a phase's run of Hourglass will make, to be deleted with {@link #deleteTopics} once it is done. */
    void expect(Collection<String> topics) {
        live.addAll(topics);
    }

    /** Deletes the topics of the phases not done yet, as a bench stopped halfway must; failures are only told. */
    void deleteLiveTopics() {
        try {
            deleteTopics(List.copyOf(live));
        } catch (Exception e) {
            System.err.println("bench: could not delete its topics " + live + " from " + bootstrap + " ("
                    + e.getMessage() + "); delete them by hand before the next run");
        }
    }

    /** Those of {@code topics} that the cluster has. */
    private static List<String> existing(Admin admin, Collection<String> topics) throws Exception {
        Set<String> names = admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS);
        return topics.stream().filter(names::contains).toList();
    }

    /** Whether Kafka still holds logs of deleted topics: it renames their folders to end in "-delete" first. */
    private boolean hasDeletedLogs() throws IOException {
        try (Stream<Path> dirs = Files.list(logs)) {
            return dirs.anyMatch(d -> d.getFileName().toString().endsWith("-delete"));
        }
    }
}
