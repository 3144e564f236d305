package io.hourglass.completionist;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.core.control.Marker;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HourMarksTest {
    private static final Instant H10 = Instant.parse("2026-01-01T10:00:00Z");

    @Test
    void aSnapshotKeepsWhatTheHourHadWhenItWasTaken() {
        HourMarks marks = new HourMarks();
        marks.add("web-2", marker("web-2", true, 5));
        HourMarks before = marks.snapshot();

        marks.add("web-1", marker("web-1", false, 9));
        marks.add("web-2", marker("web-2", false, 7));

        assertThat(before.hosts()).containsExactly("web-2");
        assertThat(before.marked("web-1")).isFalse();
        assertThat(before.removed()).containsExactly("web-2");
        assertThat(before.offsets("events.T")).containsExactly(Map.entry(0, 5L));
        assertThat(marks.hosts()).containsExactlyInAnyOrder("web-1", "web-2");
        assertThat(marks.removed()).as("a full resend vouches for the hour").isEmpty();
        assertThat(marks.offsets("events.T")).containsExactly(Map.entry(0, 9L));
    }

    @Test
    void hostsThatOnlyMarkedRemovedFilesComeSortedWhateverTheirNumber() {
        HourMarks marks = new HourMarks();
        for (int i = 999; i >= 0; i--) {
            marks.add("web-" + i, marker("web-" + i, i % 3 == 0, i));
        }
        // A removed file marked again as removed stays so.
        marks.add("web-3", marker("web-3", true, 3));

        assertThat(marks.hosts()).hasSize(1000);
        assertThat(marks.removed()).hasSize(334).isSorted().allMatch(h -> Integer.parseInt(h.substring(4)) % 3 == 0);
        assertThat(marks.marked("web-500")).isTrue();
        assertThat(marks.marked("web-1000")).isFalse();
    }

    private static Marker marker(String host, boolean fileRemoved, long offset) {
        return new Marker(host, H10, Map.of("T", 1L), Map.of("events.T", Map.of(0, offset)), 0, fileRemoved, H10);
    }
}
