package io.hourglass.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.core.HourglassException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryLoaderTest {
    private static final String SCHEMA = """
            schemas:
              - version: 1
                schema: {type: record, name: T, fields: [{name: a, type: string}]}
            """;

    @Test
    void defaultsApplyWhenOptionalKeysAreAbsent(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("t.yaml"), "name: Minimal\nowner: {team: t, contact: c}\n" + SCHEMA);
        EventType t = RegistryLoader.load(dir).find("Minimal").orElseThrow();
        assertThat(t.tier()).isEqualTo(Tier.NORMAL);
        assertThat(t.lane()).isEqualTo("default");
        assertThat(t.sinks()).containsExactly(Sink.LAKE);
        assertThat(t.latenessLimit()).isEqualTo(Duration.ofHours(2));
        assertThat(t.finance()).isFalse();
        assertThat(t.piiFields()).isEmpty();
        assertThat(t.topic()).isEqualTo("events.Minimal");
        assertThat(t.partitionsOr(3)).isEqualTo(3);
    }

    @Test
    void everyKeyIsMapped(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("t.yml"), """
                name: Full
                owner: {team: billing, contact: billing@example.com}
                finance: true
                tier: high
                lane: money
                sinks: [lake, warehouse]
                lateness_limit: PT6H
                pii_fields: [a]
                partitions: 12
                """ + SCHEMA);
        EventType t = RegistryLoader.load(dir).find("Full").orElseThrow();
        assertThat(t.owner()).isEqualTo(new Owner("billing", "billing@example.com"));
        assertThat(t.finance()).isTrue();
        assertThat(t.tier()).isEqualTo(Tier.HIGH);
        assertThat(t.lane()).isEqualTo("money");
        assertThat(t.sinks()).isEqualTo(Set.of(Sink.LAKE, Sink.WAREHOUSE));
        assertThat(t.latenessLimit()).isEqualTo(Duration.ofHours(6));
        assertThat(t.piiFields()).isEqualTo(List.of("a"));
        assertThat(t.latestVersion()).isEqualTo(1);
        assertThat(t.partitionsOr(3)).isEqualTo(12);
    }

    @Test
    void theBundledExamplesLoad() {
        Registry r = RegistryLoader.load(Path.of("..", "registry"));
        assertThat(r.find("SearchViewResponse")).isPresent();
        assertThat(r.find("ApolloIncomingRequest").orElseThrow().sinks()).containsExactly(Sink.WAREHOUSE);
        assertThat(r.find("ApolloOutgoingRequest")).isPresent();
        assertThat(r.all().size()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void badValuesFailWithTheFileAndKeyNamed(@TempDir Path dir) throws Exception {
        assertRejected(dir, "name: ../evil\nowner: {team: t, contact: c}\n" + SCHEMA, "name '../evil' is invalid");
        assertRejected(dir, "name: T\n" + SCHEMA, "key 'team' is required");
        assertRejected(dir, "name: T\nowner: {team: t, contact: c}\ntier: urgent\n" + SCHEMA,
                "tier 'urgent' is not one of [high, normal, low]");
        assertRejected(dir, "name: T\nowner: {team: t, contact: c}\nlateness_limit: 2 hours\n" + SCHEMA,
                "lateness_limit must be an ISO-8601 duration");
        assertRejected(dir, "name: T\nowner: {team: t, contact: c}\npartitions: 0\n" + SCHEMA,
                "partitions must be an integer from 1 to 1000");
        assertRejected(dir, "name: T\nowner: {team: t, contact: c}\npartitions: many\n" + SCHEMA,
                "partitions must be an integer from 1 to 1000");
        assertRejected(dir, "name: T\nowner: {team: t, contact: c}\nsinks: [hdfs]\n" + SCHEMA,
                "sinks 'hdfs' is not one of");
        assertRejected(dir, "name: T\nowner: {team: t, contact: c}\n", "schemas must list at least one");
        assertRejected(dir, "name: T\nowner: {team: t, contact: c}\nschemas:\n  - version: 1\n    schema: int\n",
                "must be an Avro record");
    }

    @Test
    void anIncompatibleSchemaChangeIsRefused(@TempDir Path dir) throws Exception {
        assertRejected(dir, """
                name: T
                owner: {team: t, contact: c}
                schemas:
                  - version: 1
                    schema: {type: record, name: T, fields: [{name: a, type: string}]}
                  - version: 2
                    schema: {type: record, name: T, fields: [{name: a, type: string}, {name: b, type: int}]}
                """, "schema version 2 cannot read the previous version");
    }

    @Test
    void aDirectoryWithoutTypesIsAnError(@TempDir Path dir) {
        assertThatThrownBy(() -> RegistryLoader.load(dir)).hasMessageContaining("has no *.yaml event types");
        assertThatThrownBy(() -> RegistryLoader.load(dir.resolve("missing"))).hasMessageContaining("does not exist");
    }

    @Test
    void aRegistryHoldsOnlyValidNamesHoweverItIsMade(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("t.yaml"), "name: Minimal\nowner: {team: t, contact: c}\n" + SCHEMA);
        EventType t = RegistryLoader.load(dir).find("Minimal").orElseThrow();
        // Collectors look names up before they check them, so a registry must never hold a bad one.
        assertThatThrownBy(() -> new Registry(java.util.Map.of("../evil", t))).isInstanceOf(HourglassException.class)
                .hasMessageContaining("../evil");
    }

    private static void assertRejected(Path dir, String yaml, String message) throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, yaml);
        assertThatThrownBy(() -> RegistryLoader.load(dir)).isInstanceOf(HourglassException.class)
                .hasMessageContaining("bad.yaml").hasMessageContaining(message);
        Files.delete(f);
    }
}
