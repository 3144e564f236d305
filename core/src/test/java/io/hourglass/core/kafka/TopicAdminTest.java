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
}
