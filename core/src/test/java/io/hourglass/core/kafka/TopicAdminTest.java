package io.hourglass.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class TopicAdminTest {

    @Test
    void theControlTopicsCreatedAreTheListedOnes() {
        KafkaSettings kafka = KafkaSettings.singleNode("127.0.0.1:9092");
        assertThat(TopicAdmin.controlTopics(kafka)).extracting(NewTopic::name)
                .containsExactlyElementsOf(Topics.CONTROL);
    }

    @Test
    void badRowsAreCompressedByTheBrokerAsCollectorsSendThemUncompressed() {
        KafkaSettings kafka = KafkaSettings.singleNode("127.0.0.1:9092");
        assertThat(kafka.bulkProducer("c", 1, 5)).containsEntry("compression.type", "none");
        assertThat(TopicAdmin.controlTopics(kafka)).filteredOn(t -> t.name().equals(Topics.BADROWS)).singleElement()
                .satisfies(t -> assertThat(t.configs()).containsEntry("compression.type", "snappy"));
    }
}
