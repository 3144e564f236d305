package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.core.kafka.KafkaSettings;
import io.hourglass.core.kafka.Topics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-bucket decision topics are compacted, with segments that roll hourly so that a closed bucket's records are
 * compacted to their closed form soon, and also expire; the registry is compacted only, kept forever. The embedded
 * node compacts them with a small offset map.
 */
class ControlTopicsIT {
    private static final String OFFSET_MAP = "log.cleaner.dedupe.buffer.size";

    @Test
    void decisionsExpireAfterTheirRetentionAndTheRegistryNever(@TempDir Path dir) throws Exception {
        try (TestBed bed = TestBed.start(dir, Instant.parse("2026-03-01T10:00:00Z"), false);
             Admin admin = Admin.create(KafkaSettings.singleNode(bed.hourglass.bootstrap()).admin("test"))) {
            List<ConfigResource> topics = new ArrayList<>();
            for (String t : Topics.DECISIONS) {
                topics.add(new ConfigResource(ConfigResource.Type.TOPIC, t));
            }
            ConfigResource registry = new ConfigResource(ConfigResource.Type.TOPIC, Topics.REGISTRY);
            topics.add(registry);
            Map<ConfigResource, Config> configs = admin.describeConfigs(topics).all().get(30, TimeUnit.SECONDS);

            for (String t : Topics.DECISIONS) {
                Config c = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, t));
                assertThat(c.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).as(t).isEqualTo("compact,delete");
                assertThat(Long.parseLong(c.get(TopicConfig.RETENTION_MS_CONFIG).value())).as(t)
                        .isEqualTo(Topics.DECISIONS_KEPT.toMillis());
                assertThat(Long.parseLong(c.get(TopicConfig.SEGMENT_MS_CONFIG).value())).as(t)
                        .isEqualTo(Topics.DECISIONS_SEGMENT.toMillis());
            }
            assertThat(configs.get(registry).get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
        }
    }

    /** The embedded node's cleaner takes its offset map from the components' heap: an eighth of Kafka's default. */
    @Test
    void theEmbeddedNodesCleanerKeepsASmallOffsetMap(@TempDir Path dir) throws Exception {
        try (TestBed bed = TestBed.start(dir, Instant.parse("2026-03-01T10:00:00Z"), false);
             Admin admin = Admin.create(KafkaSettings.singleNode(bed.hourglass.bootstrap()).admin("test"))) {
            String node = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).iterator().next().idString();
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, node);
            ConfigEntry offsetMap = admin.describeConfigs(List.of(broker), new DescribeConfigsOptions()
                    .includeSynonyms(true)).all().get(30, TimeUnit.SECONDS).get(broker).get(OFFSET_MAP);
            long kafkasDefault = offsetMap.synonyms().stream()
                    .filter(s -> s.source() == ConfigEntry.ConfigSource.DEFAULT_CONFIG)
                    .mapToLong(s -> Long.parseLong(s.value())).findFirst().orElseThrow();
            assertThat(Long.parseLong(offsetMap.value())).isLessThanOrEqualTo(kafkasDefault / 8);
        }
    }
}
