package io.hourglass.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hourglass.core.kafka.KafkaSettings;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EventProducersTest {
    private static final String CLIENT_ID = "event-producers-test";

    @Test
    void aShardThatFailsToStartClosesTheShardsMadeBeforeIt() {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        // The second shard's metrics cannot be bound, after the first shard and the second's producer started.
        metrics.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if ("1".equals(id.getTag("shard"))) {
                    throw new IllegalStateException("no room for shard 1's metrics");
                }
                return id;
            }
        });
        // No broker is needed: a producer starts its network thread without connecting.
        KafkaSettings kafka = KafkaSettings.singleNode("127.0.0.1:9");

        assertThatThrownBy(() -> new EventProducers(kafka, CLIENT_ID, new ProducerSizing(3, 10), metrics))
                .hasMessageContaining("shard 1");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(networkThreads()).isZero());
    }

    private static long networkThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("kafka-producer-network-thread | " + CLIENT_ID)).count();
    }
}
