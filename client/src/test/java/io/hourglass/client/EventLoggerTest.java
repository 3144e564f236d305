package io.hourglass.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.core.Envelope;
import io.hourglass.core.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventLoggerTest {
    @Test
    void manyThreadsWriteWholeLinesIntoTheFileOfTheLoggedHour(@TempDir Path dir) throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-05-05T17:42:00Z"), ZoneOffset.UTC);
        Set<String> ids = new HashSet<>();
        try (EventLogger logger = new EventLogger(dir, clock, false)) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                int n = i;
                futures.add(pool.submit(() -> logger.log("T", 1,
                        Json.MAPPER.createObjectNode().put("n", n).put("pad", "x".repeat(n % 300)))));
            }
            for (Future<String> f : futures) {
                ids.add(f.get());
            }
            pool.shutdown();
        }
        List<String> lines = Files.readAllLines(dir.resolve("2026-05-05T17.jsonl"), StandardCharsets.UTF_8);
        assertThat(lines).hasSize(2000);
        Set<String> read = new HashSet<>();
        for (String line : lines) {
            Envelope e = Envelope.parse(line.getBytes(StandardCharsets.UTF_8));
            assertThat(e.loggedAt()).isEqualTo(clock.instant());
            read.add(e.id());
        }
        assertThat(read).isEqualTo(ids);
    }

    @Test
    void anInvalidTypeNameNeverReachesTheLog(@TempDir Path dir) {
        try (EventLogger logger = new EventLogger(dir, Clock.systemUTC(), true)) {
            assertThatThrownBy(() -> logger.log("../x", 1, Json.MAPPER.createObjectNode()))
                    .hasMessageContaining("invalid event type name");
        }
    }
}
