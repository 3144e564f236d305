package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.cli.verify.LakeVerifier;
import io.hourglass.cli.verify.VerifyReport;
import io.hourglass.client.EventLogger;
import io.hourglass.core.Hours;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.Manifest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EndToEndIT {
    private static final Instant T0 = Instant.parse("2026-03-01T10:05:00Z");
    private static final List<String> HOSTS = List.of("host-a", "host-b", "host-c");
    private static final List<String> TYPES = List.of("SearchViewResponse", "ApolloIncomingRequest", "PlaybackStarted");

    @Test
    void everyLoggedEventLandsInExactlyOneClosedBucketExactlyOnce(@TempDir Path dir) throws Exception {
        try (TestBed bed = TestBed.start(dir, T0, true)) {
            Map<BucketId, Set<String>> logged = new HashMap<>();
            Map<BucketId, Map<String, Long>> perHost = new HashMap<>();
            Map<String, EventLogger> loggers = new HashMap<>();
            HOSTS.forEach(h -> loggers.put(h, bed.logger(h)));
            bed.awaitAgents(HOSTS);
            for (int hour = 0; hour < 3; hour++) {
                for (int step = 0; step < 6; step++) {
                    bed.advanceTo(T0.plus(Duration.ofHours(hour)).plus(Duration.ofMinutes(9L * step)));
                    for (String host : HOSTS) {
                        for (String type : TYPES) {
                            for (int i = 0; i <= (host.hashCode() + step) % 4; i++) {
                                String id = bed.log(loggers.get(host), type);
                                BucketId b = new BucketId(type, Hours.hourOf(bed.clock.instant()));
                                logged.computeIfAbsent(b, x -> new HashSet<>()).add(id);
                                perHost.computeIfAbsent(b, x -> new TreeMap<>()).merge(host, 1L, Long::sum);
                            }
                        }
                    }
                }
            }
            // Past the last hour's end and the agents' grace: every hour can now be sealed.
            bed.advanceTo(Instant.parse("2026-03-01T13:03:00Z"));

            assertThat(logged).hasSize(9);
            long files = 0;
            for (var e : logged.entrySet()) {
                Manifest m = bed.awaitClosed(e.getKey());
                files += m.files().size();
                Map<String, GenericRecord> records = bed.records(e.getKey());
                assertThat(records.keySet()).as("ids in %s", e.getKey()).isEqualTo(e.getValue());
                assertThat(bed.codecs(e.getKey())).containsExactly("zstandard");
                assertThat(m.complete()).isTrue();
                assertThat(m.missingHosts()).isEmpty();
                assertThat(m.events()).isEqualTo(e.getValue().size());
                assertThat(m.hosts()).isEqualTo(perHost.get(e.getKey()));
                assertThat(m.expectedHosts()).containsAll(HOSTS);
                assertThat(m.duplicatesDropped()).isZero();
                assertThat(m.lateEvents()).isZero();
                assertThat(m.closeDelaySeconds()).isEqualTo(
                        Duration.between(Hours.end(e.getKey().hour()), m.closedAt()).toSeconds());
                records.values().forEach(r -> assertThat(r.get("late")).isEqualTo(false));
            }
            assertThat(TestBed.metric(bed.collector(), "hourglass_writer_files_from_blocks_total"))
                    .as("with no copies to drop, every file is a header and the blocks its events were staged in")
                    .isEqualTo(files);
            // Kafka's own client metrics beside Hourglass's: the collector's producers sent, the writers consumed.
            assertThat(TestBed.metric(bed.collector(), "kafka_producer_record_send_total")).isPositive();
            assertThat(TestBed.metric(bed.collector(), "kafka_consumer_fetch_manager_records_consumed_total"))
                    .isPositive();
            VerifyReport report = new LakeVerifier(dir).verify();
            assertThat(report.violations()).isEmpty();
            long total = logged.values().stream().mapToLong(Set::size).sum();
            assertThat(report.logged()).isEqualTo(total);
            assertThat(report.delivered()).isEqualTo(total);
        }
    }
}
