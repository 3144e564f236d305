package io.hourglass.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CollectorConfigTest {
    @Test
    void defaults() {
        CollectorConfig c = CollectorConfig.defaults("c1");
        assertThat(c.maxEventBytes()).isEqualTo(256 * 1024);
        assertThat(c.maxRequestBytes()).isEqualTo(16L * 1024 * 1024);
        assertThat(c.maxInFlightBatches()).isEqualTo(64);
        assertThat(c.requestMemory()).isEqualTo(64L * 1024 * 1024);
        assertThat(c.produceTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.directGrace()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.directHost()).isEqualTo("collector-c1");
    }

    @Test
    void badValuesAreRejectedNamingTheKey() {
        assertThatThrownBy(() -> CollectorConfig.defaults("../x")).hasMessageContaining("collector.instance-id");
        assertThatThrownBy(() -> config("c", 10, 100, 1, 10_000, Duration.ofSeconds(1), Duration.ZERO))
                .hasMessageContaining("collector.max-event-bytes");
        int largest = CollectorConfig.MAX_EVENT_BYTES;
        assertThat(config("c", largest, largest, 1, 2L * largest, Duration.ofSeconds(1), Duration.ZERO)
                .maxEventBytes()).isEqualTo(largest);
        assertThatThrownBy(() -> config("c", largest + 1, 1L << 20, 1, 1L << 21, Duration.ofSeconds(1),
                Duration.ZERO)).hasMessageContaining("collector.max-event-bytes").hasMessageContaining("at most");
        assertThatThrownBy(() -> config("c", 1000, 500, 1, 10_000, Duration.ofSeconds(1), Duration.ZERO))
                .hasMessageContaining("collector.max-request-bytes");
        assertThatThrownBy(() -> config("c", 1000, 5000, 0, 10_000, Duration.ofSeconds(1), Duration.ZERO))
                .hasMessageContaining("collector.max-in-flight-batches");
        assertThatThrownBy(() -> config("c", 1000, 5000, 1, 9_999, Duration.ofSeconds(1), Duration.ZERO))
                .hasMessageContaining("collector.request-memory").hasMessageContaining("10000 bytes");
        assertThatThrownBy(() -> config("c", 1000, 5000, 1, 10_000, Duration.ZERO, Duration.ZERO))
                .hasMessageContaining("collector.produce-timeout");
        assertThatThrownBy(() -> CollectorConfig.defaults("c").withHeartbeatInterval(Duration.ZERO))
                .hasMessageContaining("collector.heartbeat-interval");
    }

    private static CollectorConfig config(String id, int maxEventBytes, long maxRequestBytes, int maxInFlight,
                                          long requestMemory, Duration produceTimeout, Duration directGrace) {
        return new CollectorConfig(id, maxEventBytes, maxRequestBytes, maxInFlight, requestMemory, produceTimeout,
                directGrace, Duration.ofSeconds(5));
    }
}
