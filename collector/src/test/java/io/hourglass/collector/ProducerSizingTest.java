package io.hourglass.collector;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProducerSizingTest {
    @Test
    void fewPartitionsShareOneProducerAndLingerTheMinimum() {
        assertThat(ProducerSizing.forPartitions(3)).isEqualTo(new ProducerSizing(1, 30));
        assertThat(ProducerSizing.forPartitions(30)).isEqualTo(new ProducerSizing(1, 30));
    }

    @Test
    void manyPartitionsGetMoreProducersAndLongerLingerWithinBounds() {
        assertThat(ProducerSizing.forPartitions(300)).isEqualTo(new ProducerSizing(8, 100));
        assertThat(ProducerSizing.forPartitions(3000)).isEqualTo(new ProducerSizing(16, 200));
        assertThat(ProducerSizing.forPartitions(0)).isEqualTo(new ProducerSizing(1, 30));
    }
}
