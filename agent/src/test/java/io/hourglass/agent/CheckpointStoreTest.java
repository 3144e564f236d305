package io.hourglass.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
    @Test
    void progressAndMarkerStateSurviveARestart(@TempDir Path dir) {
        CheckpointStore store = new CheckpointStore(dir.resolve("h.checkpoint.json"));
        assertThat(store.load()).isEmpty();
        Instant hour = Instant.parse("2026-01-01T10:00:00Z");
        FileState s = FileState.fresh(hour)
                .acknowledged(120, new FileState.Ack(Map.of("T", 2L), Map.of("events.T", Map.of(0, 5L)), 1))
                .acknowledged(300, new FileState.Ack(Map.of("T", 1L), Map.of("events.T", Map.of(0, 3L, 1, 9L)), 0));
        TreeMap<String, FileState> state = new TreeMap<>(Map.of("2026-01-01T10.jsonl", s.asMarked()));
        store.save(state);
        FileState back = new CheckpointStore(dir.resolve("h.checkpoint.json")).load().get("2026-01-01T10.jsonl");
        assertThat(back.ackedBytes()).isEqualTo(300);
        assertThat(back.counts()).isEqualTo(Map.of("T", 3L));
        assertThat(back.offsets()).isEqualTo(Map.of("events.T", Map.of(0, 5L, 1, 9L)));
        assertThat(back.rejected()).isEqualTo(1);
        assertThat(back.marked()).isTrue();
        assertThat(dir.resolve("h.checkpoint.json.tmp")).doesNotExist();
    }

    @Test
    void aCorruptCheckpointFailsWithWhatToDo(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("h.checkpoint.json"), "{\"2026-01-01T10.jsonl\": {\"hour\": tru");
        assertThatThrownBy(() -> new CheckpointStore(dir.resolve("h.checkpoint.json")).load())
                .hasMessageContaining("is unreadable").hasMessageContaining("Move it away");
    }
}
