package io.hourglass.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentConfigTest {
    private static final List<URI> URLS = List.of(URI.create("http://127.0.0.1:7070"));

    @Test
    void defaults() {
        AgentConfig c = AgentConfig.defaults(URLS, Path.of("state"));
        assertThat(c.grace()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.batchMaxEvents()).isEqualTo(5000);
        assertThat(c.batchMaxBytes()).isEqualTo(2 * 1024 * 1024);
        assertThat(c.maxLineBytes()).isEqualTo(256 * 1024);
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.backoffBase()).isEqualTo(Duration.ofMillis(200));
        assertThat(c.backoffMax()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.withGrace(Duration.ofSeconds(5)).grace()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.withHeartbeatInterval(Duration.ofSeconds(1)).heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void badValuesAreRejectedNamingTheKey() {
        AgentConfig d = AgentConfig.defaults(URLS, Path.of("state"));
        assertThatThrownBy(() -> AgentConfig.defaults(List.of(), Path.of("s")))
                .hasMessageContaining("agent.collectors");
        assertThatThrownBy(() -> d.withGrace(Duration.ofSeconds(-1))).hasMessageContaining("agent.grace");
        assertThatThrownBy(() -> d.withBackoff(Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("agent.backoff-base");
        assertThatThrownBy(() -> new AgentConfig(URLS, Path.of("s"), d.grace(), 0, d.batchMaxBytes(),
                d.maxLineBytes(), d.pollInterval(), d.heartbeatInterval(), d.backoffBase(), d.backoffMax(),
                d.requestTimeout(), d.compression(), d.checkpointInterval(), d.maxInFlight()))
                .hasMessageContaining("agent.batch-max-events");
        assertThatThrownBy(() -> d.withCheckpointInterval(Duration.ofSeconds(-1)))
                .hasMessageContaining("agent.checkpoint-interval");
        assertThatThrownBy(() -> d.withMaxInFlight(0)).hasMessageContaining("agent.max-in-flight");
    }
}
