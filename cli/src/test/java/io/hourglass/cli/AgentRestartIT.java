package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hourglass.agent.HostAgent;
import io.hourglass.client.EventLogger;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentRestartIT {
    private static final String TYPE = "PlaybackStarted";

    @Test
    void resendAfterLostCheckpointPutsDuplicatesInKafkaButNotInTheBucket(@TempDir Path dir) throws Exception {
        try (TestBed bed = TestBed.start(dir, Instant.parse("2026-03-01T10:10:00Z"), false)) {
            EventLogger logger = bed.logger("host-r");
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < 300; i++) {
                ids.add(bed.log(logger, TYPE));
            }
            HostAgent first = bed.agent("host-r", List.of(bed.collector()), 20);
            first.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> bed.kafkaRecords("events." + TYPE) >= 100);
            first.stop();
            long beforeRestart = bed.kafkaRecords("events." + TYPE);
            assertThat(beforeRestart).as("stopped mid-file").isLessThan(300);

            Files.delete(bed.checkpoint("host-r"));  // the disk holding the checkpoint was lost
            HostAgent second = bed.agent("host-r", List.of(bed.collector()), 20);
            second.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> bed.kafkaRecords("events." + TYPE) >= 300 + beforeRestart);
            long inKafka = bed.kafkaRecords("events." + TYPE);
            assertThat(inKafka).as("the resend reached Kafka").isGreaterThan(300);

            bed.advanceTo(Instant.parse("2026-03-01T11:03:00Z"));
            BucketId bucket = new BucketId(TYPE, Instant.parse("2026-03-01T10:00:00Z"));
            Manifest m = bed.awaitClosed(bucket);
            second.stop();

            assertThat(bed.records(bucket).keySet()).isEqualTo(ids);
            assertThat(m.events()).isEqualTo(ids.size());
            assertThat(m.duplicatesDropped()).isEqualTo(inKafka - ids.size());
            assertThat(m.complete()).isTrue();
            assertThat(m.hosts()).containsEntry("host-r", (long) ids.size());
        }
    }
}
