package io.hourglass.completionist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CompletionistConfigTest {
    @Test
    void defaultsAndRejectedValues() {
        CompletionistConfig c = CompletionistConfig.defaults();
        assertThat(c.hostTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.tickInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.startupGrace()).isEqualTo(Duration.ofSeconds(20));
        assertThatThrownBy(() -> new CompletionistConfig(Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(-1))).hasMessageContaining("completionist.startup-grace");
        assertThatThrownBy(() -> new CompletionistConfig(Duration.ZERO, Duration.ofSeconds(1), Duration.ZERO))
                .hasMessageContaining("completionist.host-timeout");
        assertThatThrownBy(() -> new CompletionistConfig(Duration.ofSeconds(1), Duration.ZERO, Duration.ZERO))
                .hasMessageContaining("completionist.tick-interval");
    }
}
