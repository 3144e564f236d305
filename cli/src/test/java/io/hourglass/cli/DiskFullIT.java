package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hourglass.agent.HostAgent;
import io.hourglass.client.EventLogger;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.kafka.KafkaSettings;
import io.hourglass.core.lake.LakeStore;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskFullIT {
    private static final String TYPE = "UserLogin";

    /** The real local lake, on a disk that runs out of space after 4 KiB of any file while {@code full} is set. */
    private static final class FillingDisk implements LakeStore {
        final AtomicBoolean full = new AtomicBoolean(true);
        private final LakeStore disk;

        FillingDisk(LakeStore disk) {
            this.disk = disk;
        }

        @Override
        public void writeAtomically(String path, ContentWriter content) throws IOException {
            disk.writeAtomically(path, out -> content.writeTo(full.get() ? new FilterOutputStream(out) {
                private long written;

                @Override
                public void write(int b) throws IOException {
                    if (++written > 4096) {
                        throw new IOException("No space left on device");
                    }
                    super.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    for (int i = 0; i < len; i++) {
                        write(b[off + i]);
                    }
                }
            } : out));
        }

        @Override
        public boolean exists(String path) {
            return disk.exists(path);
        }

        @Override
        public InputStream open(String path) throws IOException {
            return disk.open(path);
        }

        @Override
        public List<String> list(String dir) throws IOException {
            return disk.list(dir);
        }
    }

    @Test
    void writerStopsFinalizingOnAFullDiskCommitsNothingPastItAndResumesWhenSpaceReturns(@TempDir Path dir)
            throws Exception {
        FillingDisk[] disk = new FillingDisk[1];
        try (TestBed bed = TestBed.start(dir, Instant.parse("2026-03-01T10:05:00Z"), false, d -> {
            disk[0] = new FillingDisk(d);
            return disk[0];
        })) {
            EventLogger logger = bed.logger("host-f");
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < 300; i++) {
                ids.add(bed.log(logger, TYPE));
            }
            HostAgent agent = bed.agent("host-f", List.of(bed.collector()), 100);
            agent.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> bed.kafkaEvents("events." + TYPE) == 300);
            bed.advanceTo(Instant.parse("2026-03-01T11:03:00Z"));

            BucketId bucket = new BucketId(TYPE, Instant.parse("2026-03-01T10:00:00Z"));
            URI readyz = bed.collector().resolve("/readyz");
            await().atMost(Duration.ofSeconds(30)).until(() -> TestBed.get(readyz).statusCode() == 503);
            assertThat(TestBed.get(readyz).body()).contains("\"writer-core\":false");
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> !bed.isClosed(bucket));
            try (var files = Files.list(bed.bucketDir(bucket))) {
                assertThat(files.map(p -> p.getFileName().toString())).as("no final file, no leftover temporary")
                        .isEmpty();
            }
            assertThat(committed("hourglass-writer-core", bed)).as("nothing committed past unwritten data")
                    .allMatch(o -> o == 0);

            disk[0].full.set(false);  // space returns
            bed.advanceTo(Instant.parse("2026-03-01T11:04:00Z"));  // past the writer's retry interval
            bed.awaitClosed(bucket);
            agent.stop();
            assertThat(bed.records(bucket).keySet()).isEqualTo(ids);
            await().atMost(Duration.ofSeconds(10)).until(() -> TestBed.get(readyz).statusCode() == 200);
        }
    }

    private static List<Long> committed(String group, TestBed bed) throws Exception {
        try (Admin admin = Admin.create(KafkaSettings.singleNode(bed.hourglass.bootstrap()).admin("test"))) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                    .filter(e -> e.getKey().topic().equals("events." + TYPE))
                    .map(e -> e.getValue() == null ? 0L : e.getValue().offset()).toList();
        }
    }
}
