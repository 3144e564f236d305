package io.hourglass.cli.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hourglass.core.Envelope;
import io.hourglass.core.Json;
import io.hourglass.core.registry.EventType;
import io.hourglass.core.registry.Registry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Synthetic event types and events of a chosen size for the benchmark. */
final class BenchEvents {
    private final List<EventType> types;
    private final List<String> names;
    private final String padding;

    BenchEvents(Registry registry, int eventSize) {
        this.types = List.copyOf(registry.all());
        this.names = types.stream().map(EventType::name).toList();
        this.padding = "x".repeat(Math.max(1, eventSize - 230));
    }

    BenchEvents(int typeCount, int eventSize) {
        this.types = List.of();
        this.names = java.util.stream.IntStream.range(0, typeCount).mapToObj(i -> "Raw" + i).toList();
        this.padding = "x".repeat(Math.max(1, eventSize - 230));
    }

    Envelope event(Instant loggedAt) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        ObjectNode payload = Json.MAPPER.createObjectNode()
                .put("user_id", "u" + r.nextInt(1_000_000))
                .put("action", "play")
                .put("value", r.nextLong(1_000_000))
                .put("detail", padding);
        return new Envelope(UUID.randomUUID().toString(), names.get(r.nextInt(names.size())), 1, loggedAt,
                loggedAt, null, null, false, payload);
    }

    /**
     * {@code count} events as a plain producer sends them: each as its JSON line, keyed by its own id, as the collector
     * spreads events by id. An unrelated key would add bytes to every record that no event carries.
     */
    RawRecords rawRecords(int count) {
        String[] keys = new String[count];
        byte[][] values = new byte[count][];
        for (int i = 0; i < count; i++) {
            Envelope event = event(Instant.now());
            keys[i] = event.id();
            values[i] = event.toBytes();
        }
        return new RawRecords(keys, values);
    }

    /** The keys and values of a raw produce phase; the record {@code i} is {@code keys[i]}, {@code values[i]}. */
    record RawRecords(String[] keys, byte[][] values) {
    }

    /** Writes {@code count} types named {@code prefix + i} to a registry directory. */
    static Path writeRegistry(Path dir, String prefix, int count, int eventSize) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < count; i++) {
            String name = prefix + i;
            Files.writeString(dir.resolve(name + ".yaml"), """
                    name: %s
                    owner: {team: bench, contact: bench@example.com}
                    lane: %s
                    lateness_limit: PT6H
                    schemas:
                      - version: 1
                        schema:
                          type: record
                          name: %s
                          fields:
                            - {name: user_id, type: string}
                            - {name: action, type: string}
                            - {name: value, type: long}
                            - {name: detail, type: string}
                    """.formatted(name, i % 2 == 0 ? "even" : "odd", name));
        }
        return dir;
    }
}
