package io.hourglass.collector;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProducerSizingTest {
    @Test
    void fewPartitionsShareOneProducer() {
        assertThat(ProducerSizing.forPartitions(0).producers()).isEqualTo(1);
        assertThat(ProducerSizing.forPartitions(3).producers()).isEqualTo(1);
        assertThat(ProducerSizing.forPartitions(40).producers()).isEqualTo(1);
    }

    @Test
    void manyPartitionsGetAProducerPerFortyUpToSixteen() {
        assertThat(ProducerSizing.forPartitions(41).producers()).isEqualTo(2);
        assertThat(ProducerSizing.forPartitions(300).producers()).isEqualTo(8);
        assertThat(ProducerSizing.forPartitions(3000).producers()).isEqualTo(16);
    }

    @Test
    void theLingerIsShortWhateverThePartitions() {
        assertThat(ProducerSizing.forPartitions(3).lingerMs()).isEqualTo(ProducerSizing.forPartitions(3000).lingerMs())
                .isEqualTo(10);
    }
}
