package io.hourglass.core.kafka;

import io.hourglass.core.HourglassException;
import io.hourglass.core.registry.EventType;
import io.hourglass.core.registry.Registry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the topics Hourglass needs, with the replication settings from configuration. */
public final class TopicAdmin {
    private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);
    /** Kept by key, and deleted after the retention: a compacted topic alone keeps a record per key forever. */
    private static final String COMPACT_AND_DELETE = TopicConfig.CLEANUP_POLICY_COMPACT + ","
            + TopicConfig.CLEANUP_POLICY_DELETE;

    private TopicAdmin() {
    }

    /** Creates every control topic and one events topic per registered type; existing topics are left as they are. */
    public static void ensureTopics(KafkaSettings kafka, Registry registry) {
        List<NewTopic> wanted = controlTopics(kafka);
        for (EventType type : registry.all()) {
            wanted.add(topic(kafka, type.topic(), type.partitionsOr(kafka.eventPartitions()),
                    TopicConfig.CLEANUP_POLICY_DELETE));
        }
        try (Admin admin = Admin.create(kafka.admin("hourglass-admin"))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
            if (existing.contains(Topics.MARKERS)) {
                warnIfSignalsNotCompacted(admin);
            }
            if (missing.isEmpty()) {
                return;
            }
            for (var e : admin.createTopics(missing).values().entrySet()) {
                try {
                    e.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw ex;
                    }
                }
            }
            awaitLeaders(admin, missing.stream().map(NewTopic::name).toList());
            log.info("Created {} topics: {}", missing.size(), missing.stream().map(NewTopic::name).toList());
        } catch (InterruptedException e) {
            throw HourglassException.interrupted("creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new HourglassException("cannot create topics on " + kafka.bootstrap()
                    + ": is Kafka reachable, and may this client create topics? " + e.getMessage(), e);
        }
    }

    /**
     * A {@code _hourglass.markers} made before it was compacted keeps every heartbeat for Kafka's retention, and the
     * completionist reads them all at each start. Compacting it is safe only once every collector keys signals as
     * this one does: earlier ones key markers by host, and compaction would drop all but a host's last record.
     */
    private static void warnIfSignalsNotCompacted(Admin admin) throws InterruptedException {
        String policy;
        try {
            ConfigEntry entry = signalsConfig(admin).get(TopicConfig.CLEANUP_POLICY_CONFIG);
            policy = entry == null ? "" : entry.value();
        } catch (ExecutionException | TimeoutException e) {
            // A check only: a client that may not describe configs still runs.
            log.debug("Could not read the cleanup policy of {}: {}", Topics.MARKERS, e.toString());
            return;
        }
        if (!policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
            log.warn("{} is not compacted (cleanup.policy={}): the completionist reads every heartbeat of the last"
                    + " retention period at each start, 360 an hour a host. Once every collector runs this version,"
                    + " run: kafka-configs --alter --entity-type topics --entity-name {} --add-config"
                    + " 'cleanup.policy=[compact,delete],segment.ms={}'", Topics.MARKERS, policy, Topics.MARKERS,
                    Topics.SIGNALS_SEGMENT.toMillis());
        }
    }

    /** The settings of {@code _hourglass.markers}, as the cluster has them. */
    public static Config signalsConfig(Admin admin) throws InterruptedException, ExecutionException,
            TimeoutException {
        ConfigResource markers = new ConfigResource(ConfigResource.Type.TOPIC, Topics.MARKERS);
        return admin.describeConfigs(List.of(markers)).all().get(30, TimeUnit.SECONDS).get(markers);
    }

    /**
     * Waits until every partition of new topics has a leader that serves it: an idempotent producer whose first
     * batches meet a partition that answers NOT_LEADER can stall on sequence errors for its whole delivery timeout
     * (seen for 30 s with 100 new topics on a loaded broker). The metadata names a leader before that broker has
     * taken the partition on, so each partition's end offset is asked of its leader too.
     */
    public static void awaitLeaders(Admin admin, List<String> topics) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
                for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS)
                        .values()) {
                    for (TopicPartitionInfo p : d.partitions()) {
                        if (p.leader() == null || p.leader().isEmpty()) {
                            throw new TimeoutException("no leader yet");
                        }
                        partitions.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest());
                    }
                }
                admin.listOffsets(partitions).all().get(10, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                // metadata not propagated yet, or a leader not serving yet
            }
            Thread.sleep(100);
        }
        log.warn("Some new topics of {} have no leader after 30 s; producers will retry until they do", topics);
    }

    /** The largest compressed batch of a decisions topic: room for the largest control record compressed 4x. */
    static final int MAX_DECISION_BATCH_BYTES = KafkaSettings.MAX_CONTROL_RECORD_BYTES / 4;

    /** The control topics with their settings, in the order of {@link Topics#CONTROL}. */
    static List<NewTopic> controlTopics(KafkaSettings kafka) {
        List<NewTopic> control = new ArrayList<>();
        control.add(topic(kafka, Topics.REGISTRY, 1, TopicConfig.CLEANUP_POLICY_COMPACT));
        for (String t : Topics.DECISIONS) {
            // A decision names every host of its hour; host names that share little compress only a few times.
            control.add(topic(kafka, t, 1, COMPACT_AND_DELETE,
                    Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(Topics.DECISIONS_KEPT.toMillis()),
                            TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_DECISION_BATCH_BYTES),
                            TopicConfig.SEGMENT_MS_CONFIG, Long.toString(Topics.DECISIONS_SEGMENT.toMillis()))));
        }
        control.add(topic(kafka, Topics.MARKERS, 1, COMPACT_AND_DELETE,
                Map.of(TopicConfig.SEGMENT_MS_CONFIG, Long.toString(Topics.SIGNALS_SEGMENT.toMillis()))));
        // Collectors send bad rows with their packs, in batches Kafka does not compress: the broker compresses them.
        control.add(topic(kafka, Topics.BADROWS, kafka.eventPartitions(), TopicConfig.CLEANUP_POLICY_DELETE,
                Map.of(TopicConfig.COMPRESSION_TYPE_CONFIG, "snappy")));
        return control;
    }

    private static NewTopic topic(KafkaSettings kafka, String name, int partitions, String cleanup) {
        return topic(kafka, name, partitions, cleanup, Map.of());
    }

    private static NewTopic topic(KafkaSettings kafka, String name, int partitions, String cleanup,
                                  Map<String, String> more) {
        Map<String, String> configs = new HashMap<>(more);
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, cleanup);
        configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(kafka.minInsyncReplicas()));
        return new NewTopic(name, partitions, kafka.replicationFactor()).configs(configs);
    }
}
