package io.hourglass.core.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.core.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnnouncementTest {
    private static final Instant H10 = Instant.parse("2026-03-01T10:00:00Z");
    private static final Instant CLOSED = Instant.parse("2026-03-01T11:02:10Z");

    @Test
    void anAnnouncementHasTheManifestsFiguresAndCountsItsHostsWithoutNamingThem() {
        Map<String, Long> hosts = new HashMap<>();
        List<String> expected = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            String host = String.format("web-%05d", 4999 - i);
            expected.add(host);
            if (i % 10 == 0) {
                missing.add(host);
            } else {
                hosts.put(host, (long) i);
            }
        }
        List<Manifest.FileEntry> files = List.of(new Manifest.FileEntry("part-00000.avro", 7));
        Manifest m = new Manifest("T", H10, CLOSED.minusSeconds(5), CLOSED, 130, false, 7, 2, 1, hosts, expected,
                missing, files, Map.of(0, 9L));

        Announcement a = Announcement.of(m);
        assertThat(a.bucket()).isEqualTo(m.bucket());
        assertThat(List.of(a.sealedAt(), a.closedAt())).containsExactly(m.sealedAt(), m.closedAt());
        assertThat(List.of(a.closeDelaySeconds(), a.events(), a.duplicatesDropped(), a.lateEvents()))
                .containsExactly(m.closeDelaySeconds(), m.events(), m.duplicatesDropped(), m.lateEvents());
        assertThat(a.complete()).isEqualTo(m.complete());
        assertThat(List.of(a.hostCount(), a.expectedHostCount(), a.missingHostCount()))
                .containsExactly(hosts.size(), expected.size(), missing.size());
        assertThat(a.missingHostsSample()).hasSize(Announcement.MISSING_HOSTS_NAMED).isSorted()
                .isEqualTo(missing.stream().sorted().limit(Announcement.MISSING_HOSTS_NAMED).toList());
        assertThat(a.files()).isEqualTo(files);
        assertThat(a.manifest()).isEqualTo(m.bucket().successPath());
        assertThat(Json.fromBytes(Json.toBytes(a), Announcement.class)).isEqualTo(a);
        assertThat(Json.toBytes(a).length).isLessThan(Json.toBytes(m).length / 20);
    }

    @Test
    void anAnnouncementOfAnOlderVersionWasTheWholeManifestAndStillReads() {
        Manifest m = new Manifest("T", H10, CLOSED, CLOSED, 130, true, 7, 0, 0, Map.of("web-1", 7L),
                List.of("web-1"), List.of(), List.of(new Manifest.FileEntry("part-00000.avro", 7)), Map.of(0, 9L));
        Announcement a = Json.fromBytes(Json.toBytes(m), Announcement.class);
        assertThat(a.bucket()).isEqualTo(m.bucket());
        assertThat(a.events()).isEqualTo(7);
        assertThat(a.files()).isEqualTo(m.files());
        assertThat(a.manifest()).isEqualTo(m.bucket().successPath());
        assertThat(a.missingHostsSample()).isEmpty();
    }
}
