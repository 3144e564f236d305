package io.hourglass.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hourglass.core.Json;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The raw baseline sends the events Hourglass carries, with no bytes that Hourglass's records do not carry. */
class BenchEventsTest {
    @Test
    void rawRecordsAreTheEventsEachKeyedByItsOwnId() throws IOException {
        BenchEvents.RawRecords records = new BenchEvents(10, 300).rawRecords(200);

        assertThat(records.keys()).hasSize(200).doesNotHaveDuplicates();
        for (int i = 0; i < records.keys().length; i++) {
            JsonNode event = Json.MAPPER.readTree(records.values()[i]);
            assertThat(event.get("id").asText()).isEqualTo(records.keys()[i]);
            assertThat(event.get("type").asText()).startsWith("Raw");
        }
        assertThat(Arrays.stream(records.values()).mapToInt(v -> v.length).average().orElseThrow())
                .isBetween(250.0, 350.0);
    }
}
