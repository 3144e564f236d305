package io.hourglass.core.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.hourglass.core.EventTypes;
import io.hourglass.core.HourglassException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaParseException;

/**
 * Reads event types from a directory of YAML files, one type per file. Any mistake fails the whole load with a
 * message naming the file and the key, so a broken registry never half-applies.
 */
public final class RegistryLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Duration DEFAULT_LATENESS = Duration.ofHours(2);
    private static final int MAX_PARTITIONS = 1000;

    private RegistryLoader() {
    }

    public static Registry load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new HourglassException("registry directory " + dir + " does not exist; pass --registry DIR");
        }
        Map<String, EventType> types = new HashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(RegistryLoader::isYaml).sorted().toList()) {
                EventType type = parse(file.getFileName().toString(), YAML.readTree(file.toFile()));
                if (types.put(type.name(), type) != null) {
                    throw new HourglassException(file + ": event type " + type.name() + " is declared twice");
                }
            }
        } catch (IOException e) {
            throw new HourglassException("cannot read registry directory " + dir + ": " + e.getMessage(), e);
        }
        if (types.isEmpty()) {
            throw new HourglassException("registry directory " + dir + " has no *.yaml event types");
        }
        return new Registry(types);
    }

    private static boolean isYaml(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith(".yaml") || n.endsWith(".yml");
    }

    /** Parses one event type declaration; {@code source} names it in errors. */
    public static EventType parse(String source, JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new HourglassException(source + ": expected a mapping with an event type");
        }
        String name = required(source, n, "name");
        if (!EventTypes.isValidName(name)) {
            throw new HourglassException(source + ": name '" + name
                    + "' is invalid: use a letter then up to 99 letters, digits or underscores");
        }
        String where = source + " (" + name + ")";
        JsonNode owner = n.path("owner");
        Owner o = new Owner(required(where, owner, "team"), required(where, owner, "contact"));
        Tier tier = enumValue(where, "tier", n.path("tier").asText("normal"), Tier.class);
        String lane = n.path("lane").asText("default");
        if (!EventTypes.isValidName(lane)) {
            throw new HourglassException(where + ": lane '" + lane + "' is invalid");
        }
        Set<Sink> sinks = EnumSet.noneOf(Sink.class);
        for (JsonNode s : n.path("sinks")) {
            sinks.add(enumValue(where, "sinks", s.asText(), Sink.class));
        }
        if (sinks.isEmpty()) {
            sinks.add(Sink.LAKE);
        }
        List<String> pii = new ArrayList<>();
        n.path("pii_fields").forEach(f -> pii.add(f.asText()));
        Duration lateness = DEFAULT_LATENESS;
        if (n.hasNonNull("lateness_limit")) {
            try {
                lateness = Duration.parse(n.get("lateness_limit").asText());
            } catch (DateTimeParseException e) {
                throw new HourglassException(where + ": lateness_limit must be an ISO-8601 duration like PT2H");
            }
        }
        int partitions = 0;
        if (n.hasNonNull("partitions")) {
            partitions = n.get("partitions").asInt(0);
            if (!n.get("partitions").isInt() || partitions < 1 || partitions > MAX_PARTITIONS) {
                throw new HourglassException(where + ": partitions must be an integer from 1 to " + MAX_PARTITIONS);
            }
        }
        return new EventType(name, o, n.path("finance").asBoolean(false), tier, lane, sinks,
                schemas(where, n.path("schemas")), pii, lateness, partitions);
    }

    private static TreeMap<Integer, Schema> schemas(String where, JsonNode list) {
        TreeMap<Integer, Schema> schemas = new TreeMap<>();
        if (!list.isArray() || list.isEmpty()) {
            throw new HourglassException(where + ": schemas must list at least one {version, schema}");
        }
        for (JsonNode s : list) {
            int version = s.path("version").asInt(0);
            if (version < 1) {
                throw new HourglassException(where + ": every schema needs a positive integer version");
            }
            Schema schema;
            try {
                schema = new Schema.Parser().parse(s.path("schema").toString());
            } catch (SchemaParseException e) {
                throw new HourglassException(where + ": schema version " + version + " is not valid Avro: "
                        + e.getMessage());
            }
            if (schema.getType() != Schema.Type.RECORD) {
                throw new HourglassException(where + ": schema version " + version + " must be an Avro record");
            }
            if (schemas.put(version, schema) != null) {
                throw new HourglassException(where + ": schema version " + version + " is declared twice");
            }
        }
        Schema previous = null;
        for (Map.Entry<Integer, Schema> e : schemas.entrySet()) {
            if (previous != null) {
                var result = SchemaCompatibility.checkReaderWriterCompatibility(e.getValue(), previous);
                if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                    throw new HourglassException(where + ": schema version " + e.getKey()
                            + " cannot read the previous version: " + result.getDescription());
                }
            }
            previous = e.getValue();
        }
        return schemas;
    }

    private static String required(String where, JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || !v.isValueNode() || v.asText().isBlank()) {
            throw new HourglassException(where + ": key '" + key + "' is required");
        }
        return v.asText();
    }

    private static <E extends Enum<E>> E enumValue(String where, String key, String value, Class<E> type) {
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new HourglassException(where + ": " + key + " '" + value + "' is not one of "
                    + EnumSet.allOf(type).toString().toLowerCase(Locale.ROOT));
        }
    }
}
