package io.hourglass.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.core.HourglassException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
    @Test
    void flagsWinOverEnvironmentWhichWinsOverTheConfigFile(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("c.yaml");
        Files.writeString(yaml, """
                kafka:
                  bootstrap: file:9092
                  partitions: 6
                agent:
                  collectors: [http://a:7070, http://b:7070]
                  grace: PT1M
                http: {port: 7000}
                """);
        Settings s = Settings.load(yaml,
                Map.of("HOURGLASS_KAFKA_BOOTSTRAP", "env:9092", "HOURGLASS_HTTP_PORT", "7100", "PATH", "/bin",
                        "HOURGLASS_HOME", "/opt/hourglass"),
                Map.of("http.port", "7200"));
        assertThat(s.string("kafka.bootstrap", null)).isEqualTo("env:9092");
        assertThat(s.integer("http.port", 1)).isEqualTo(7200);
        assertThat(s.integer("kafka.partitions", 3)).isEqualTo(6);
        assertThat(s.list("agent.collectors", List.of())).containsExactly("http://a:7070", "http://b:7070");
        assertThat(s.duration("agent.grace", Duration.ZERO)).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.duration("agent.backoff-max", Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
        s.rejectUnknown(Set.of());
    }

    @Test
    void valuesInEveryAcceptedForm() {
        Settings s = Settings.of(Map.of("a", "500ms", "b", "30s", "c", "2m", "d", "1h", "e", "64KiB", "f", "yes",
                "g", "2.5"));
        assertThat(s.duration("a", null)).isEqualTo(Duration.ofMillis(500));
        assertThat(s.duration("b", null)).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.duration("c", null)).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.duration("d", null)).isEqualTo(Duration.ofHours(1));
        assertThat(s.bytes("e", 0)).isEqualTo(65536);
        assertThat(s.bool("f", false)).isTrue();
        assertThat(s.decimal("g", 0)).isEqualTo(2.5);
    }

    @Test
    void badValuesNameTheKeyAndWhereTheValueCameFrom() {
        Settings s = Settings.load(null, Map.of("HOURGLASS_HTTP_PORT", "eighty"), Map.of("agent.grace", "soon"));
        assertThatThrownBy(() -> s.integer("http.port", 1)).hasMessageContaining("'http.port'")
                .hasMessageContaining("expected an integer, got 'eighty'")
                .hasMessageContaining("environment variable HOURGLASS_HTTP_PORT");
        assertThatThrownBy(() -> s.duration("agent.grace", null)).hasMessageContaining("'agent.grace'")
                .hasMessageContaining("flag agent.grace");
        assertThatThrownBy(() -> s.required("kafka.bootstrap")).hasMessageContaining("HOURGLASS_KAFKA_BOOTSTRAP");
    }

    @Test
    void unknownKeysFromTheSharedEnvironmentAreOnlyLogged() {
        Settings s = Settings.load(null, Map.of("HOURGLASS_WRITER_LANES", "core"), Map.of());
        s.rejectUnknown(Set.of());
    }

    @Test
    void unknownFlagsAreTyposAndFailTheStart() {
        Settings s = Settings.of(Map.of("kafka.bootstrap", "x:1", "kafka.bootsrap", "y:1"));
        s.string("kafka.bootstrap", null);
        assertThatThrownBy(() -> s.rejectUnknown(Set.of())).hasMessageContaining("kafka.bootsrap");
    }

    @Test
    void aValueAConfigurationRefusesIsAClearErrorAndABugIsNot() {
        Settings s = Settings.of(Map.of());
        assertThat(s.build(() -> "made")).isEqualTo("made");
        assertThatThrownBy(() -> s.build(() -> {
            throw new IllegalArgumentException("collector.max-event-bytes must be at most 393216");
        })).isInstanceOf(HourglassException.class).hasMessage(
                "bad configuration: collector.max-event-bytes must be at most 393216");
        assertThatThrownBy(() -> s.build(() -> {
            throw new IllegalStateException("a bug");
        })).isInstanceOf(IllegalStateException.class);
    }
}
