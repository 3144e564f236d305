package io.hourglass.cli.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.collector.CollectorConfig;
import io.hourglass.core.HourglassException;
import io.hourglass.core.config.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CollectorCommandTest {
    @Test
    void anEventLimitLargerThanAProduceRequestIsRefusedNamingTheKey() {
        String largest = Integer.toString(CollectorConfig.MAX_EVENT_BYTES);
        assertThat(CollectorCommand.config(Settings.of(Map.of("collector.max-event-bytes", largest))).maxEventBytes())
                .isEqualTo(CollectorConfig.MAX_EVENT_BYTES);
        assertThatThrownBy(() -> CollectorCommand.config(Settings.of(Map.of("collector.max-event-bytes", "1MiB"))))
                .isInstanceOf(HourglassException.class).hasMessageContaining("collector.max-event-bytes")
                .hasMessageContaining("at most " + largest);
    }

    @Test
    void theHeartbeatIntervalIsASetting() {
        assertThat(CollectorCommand.config(Settings.of(Map.of("collector.heartbeat-interval", "1s")))
                .heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> CollectorCommand.config(Settings.of(Map.of("collector.heartbeat-interval", "0s"))))
                .isInstanceOf(HourglassException.class).hasMessageContaining("collector.heartbeat-interval");
    }
}
