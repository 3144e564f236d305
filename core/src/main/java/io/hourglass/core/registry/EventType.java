package io.hourglass.core.registry;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.Schema;

/** One registered event type. Its payload schemas are Avro records, keyed by version. */
public record EventType(
        String name,
        Owner owner,
        boolean finance,
        Tier tier,
        String lane,
        Set<Sink> sinks,
        NavigableMap<Integer, Schema> schemas,
        List<String> piiFields,
        Duration latenessLimit,
        int partitions) {

    public EventType {
        requireNonNull(name, "name is null");
        requireNonNull(owner, "owner is null");
        requireNonNull(tier, "tier is null");
        requireNonNull(lane, "lane is null");
        sinks = Set.copyOf(sinks);
        schemas = Collections.unmodifiableNavigableMap(new TreeMap<>(schemas));
        piiFields = List.copyOf(piiFields);
        requireNonNull(latenessLimit, "latenessLimit is null");
        if (partitions < 0) {
            throw new IllegalArgumentException("event type " + name + " has a negative partition count");
        }
        if (schemas.isEmpty()) {
            throw new IllegalArgumentException("event type " + name + " has no schema");
        }
    }

    public Optional<Schema> schema(int version) {
        return Optional.ofNullable(schemas.get(version));
    }

    public int latestVersion() {
        return schemas.lastKey();
    }

    /** Partitions of this type's topic: its own count if it declares one (sized by its volume), else the default. */
    public int partitionsOr(int deploymentDefault) {
        return partitions > 0 ? partitions : deploymentDefault;
    }

    /** The Kafka topic that carries this type's events. */
    public String topic() {
        return "events." + name;
    }
}
