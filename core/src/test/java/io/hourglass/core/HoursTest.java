package io.hourglass.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class HoursTest {
    @Test
    void logFileNamesRoundTripAndRejectLookalikes() {
        Instant hour = Instant.parse("2026-11-23T07:00:00Z");
        assertThat(Hours.logFileName(hour)).isEqualTo("2026-11-23T07.jsonl");
        assertThat(Hours.parseLogFileName("2026-11-23T07.jsonl")).contains(hour);
        assertThat(Hours.parseLogFileName("2026-11-23T25.jsonl")).isEmpty();
        assertThat(Hours.parseLogFileName("2026-11-23T07.jsonl.tmp")).isEmpty();
        assertThat(Hours.parseLogFileName("notes.jsonl")).isEmpty();
    }

    @Test
    void partitionPathIsHiveStyleUtc() {
        Instant hour = Hours.hourOf(Instant.parse("2026-01-02T23:59:59.999Z"));
        assertThat(Hours.partitionPath(hour)).isEqualTo("dt=2026-01-02/hour=23");
        assertThat(Hours.parsePartitionPath("dt=2026-01-02", "hour=23")).contains(hour);
        assertThat(Hours.end(hour)).isEqualTo(Instant.parse("2026-01-03T00:00:00Z"));
    }
}
