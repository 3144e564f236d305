package io.hourglass.collector;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProducerSizingTest {
    @Test
    void fewPartitionsShareOneProducerLingerTheMinimumAndFillLargeBatches() {
        assertThat(ProducerSizing.forPartitions(3)).isEqualTo(new ProducerSizing(1, 30, 64 * 1024));
        assertThat(ProducerSizing.forPartitions(30)).isEqualTo(new ProducerSizing(1, 30, 64 * 1024));
    }

    @Test
    void manyPartitionsGetMoreProducersLongerLingerWithinBoundsAndSmallBatches() {
        assertThat(ProducerSizing.forPartitions(300)).isEqualTo(new ProducerSizing(8, 100, 16 * 1024));
        assertThat(ProducerSizing.forPartitions(3000)).isEqualTo(new ProducerSizing(16, 200, 16 * 1024));
        assertThat(ProducerSizing.forPartitions(0)).isEqualTo(new ProducerSizing(1, 30, 64 * 1024));
    }
}
