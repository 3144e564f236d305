package io.hourglass.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ComponentCpuTest {

    @Test
    void kafkaClientThreadsCountForWhoeverRunsTheClient() {
        assertThat(ComponentCpu.component("kafka-producer-network-thread | hourglass-collector-standalone-0"))
                .isEqualTo("collector");
        assertThat(ComponentCpu.component("kafka-producer-network-thread | bench-raw")).isEqualTo("bench_driver");
        assertThat(ComponentCpu.component("data-plane-kafka-request-handler-1")).isEqualTo("kafka_broker");
        assertThat(ComponentCpu.component("kafka-raft-io-thread")).isEqualTo("kafka_broker");
        assertThat(ComponentCpu.component("writer-even")).isEqualTo("writer");
        assertThat(ComponentCpu.component("main")).isEqualTo("bench_driver");
    }
}
