package io.hourglass.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.hourglass.core.HourglassException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configuration of one process, from (highest precedence first) command-line flags, environment variables
 * ({@code HOURGLASS_KAFKA_BOOTSTRAP} for {@code kafka.bootstrap}), a YAML file, and the defaults each component
 * declares. Typed getters name the key and where its bad value came from, so start-up fails with a message an
 * operator can act on; unknown keys fail too, so a typo is never silently ignored.
 */
public final class Settings {
    private static final Logger log = LoggerFactory.getLogger(Settings.class);
    private static final String ENV_PREFIX = "HOURGLASS_";
    /** The launcher's own variables and the fault tests' fail point, not configuration keys. */
    private static final Set<String> LAUNCHER_ENV = Set.of("HOURGLASS_HOME", "HOURGLASS_JAVA_OPTS", "HOURGLASS_FAIL_AT",
            "HOURGLASS_LOG_LEVEL");
    private final Map<String, String> values;
    private final Map<String, String> origins;
    private final Set<String> read = new HashSet<>();

    private Settings(Map<String, String> values, Map<String, String> origins) {
        this.values = Map.copyOf(values);
        this.origins = Map.copyOf(origins);
    }

    /**
     * @param yaml  a YAML file of nested keys ({@code kafka: {bootstrap: ...}}), or null
     * @param env   the process environment; only {@code HOURGLASS_*} variables are read
     * @param flags keys given on the command line
     */
    public static Settings load(Path yaml, Map<String, String> env, Map<String, String> flags) {
        Map<String, String> values = new HashMap<>();
        Map<String, String> origins = new HashMap<>();
        if (yaml != null) {
            try {
                flatten("", new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(yaml)), values);
            } catch (IOException e) {
                throw new HourglassException("cannot read config file " + yaml + ": " + e.getMessage(), e);
            }
            values.keySet().forEach(k -> origins.put(k, "config file " + yaml));
            canonicalize(values);
            canonicalize(origins);
        }
        env.forEach((k, v) -> {
            if (k.startsWith(ENV_PREFIX) && !LAUNCHER_ENV.contains(k)) {
                String key = canonical(k.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT));
                values.put(key, v);
                origins.put(key, "environment variable " + k);
            }
        });
        flags.forEach((k, v) -> {
            values.put(canonical(k), v);
            origins.put(canonical(k), "flag " + k);
        });
        return new Settings(values, origins);
    }

    public static Settings of(Map<String, String> flags) {
        return load(null, Map.of(), flags);
    }

    private static void flatten(String prefix, JsonNode n, Map<String, String> out) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return;
        }
        if (n.isObject()) {
            n.fields().forEachRemaining(e -> flatten(prefix + e.getKey() + ".", e.getValue(), out));
        } else if (n.isArray()) {
            List<String> items = new java.util.ArrayList<>();
            n.forEach(i -> items.add(i.asText()));
            out.put(prefix.substring(0, prefix.length() - 1), String.join(",", items));
        } else {
            out.put(prefix.substring(0, prefix.length() - 1), n.asText());
        }
    }

    /** Environment variables spell {@code kafka.bootstrap} as {@code KAFKA_BOOTSTRAP}; keys are compared so. */
    private static String canonical(String key) {
        return key.toLowerCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static void canonicalize(Map<String, String> map) {
        Map<String, String> copy = new HashMap<>();
        map.forEach((k, v) -> copy.put(canonical(k), v));
        map.clear();
        map.putAll(copy);
    }

    private String raw(String key) {
        read.add(canonical(key));
        String v = values.get(canonical(key));
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static String envForm(String key) {
        return canonical(key);
    }

    private HourglassException bad(String key, String expected, String got) {
        String origin = origins.getOrDefault(canonical(key), "default");
        return new HourglassException("config key '" + key + "': expected " + expected + ", got '" + got + "' (from "
                + origin + ")");
    }

    /**
     * A component's configuration made from these settings: a value its record refuses (out of range, or at odds with
     * another) is reported as clearly as one that does not parse, not as a stack trace.
     */
    public <T> T build(Supplier<T> config) {
        try {
            return config.get();
        } catch (IllegalArgumentException e) {
            throw new HourglassException("bad configuration: " + e.getMessage(), e);
        }
    }

    public String string(String key, String defaultValue) {
        String v = raw(key);
        return v == null ? defaultValue : v;
    }

    public String required(String key) {
        String v = raw(key);
        if (v == null) {
            throw new HourglassException("config key '" + key + "' is required: set it with --set " + key
                    + "=..., the environment variable " + ENV_PREFIX + envForm(key).toUpperCase(Locale.ROOT)
                    + ", or the config file");
        }
        return v;
    }

    public int integer(String key, int defaultValue) {
        String v = raw(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw bad(key, "an integer", v);
        }
    }

    public long bytes(String key, long defaultValue) {
        String v = raw(key);
        if (v == null) {
            return defaultValue;
        }
        String s = v.toLowerCase(Locale.ROOT);
        long unit = 1;
        if (s.endsWith("kib") || s.endsWith("mib") || s.endsWith("gib")) {
            unit = switch (s.charAt(s.length() - 3)) {
                case 'k' -> 1L << 10;
                case 'm' -> 1L << 20;
                default -> 1L << 30;
            };
            s = s.substring(0, s.length() - 3);
        }
        try {
            return Long.parseLong(s.strip()) * unit;
        } catch (NumberFormatException e) {
            throw bad(key, "a byte count like 65536 or 64KiB", v);
        }
    }

    public double decimal(String key, double defaultValue) {
        String v = raw(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw bad(key, "a number", v);
        }
    }

    /** A value that {@code parser} reads, or that it does not know ({@code expected} says what it takes). */
    public <T> T parsed(String key, T defaultValue, Function<String, Optional<T>> parser, String expected) {
        String v = raw(key);
        if (v == null) {
            return defaultValue;
        }
        return parser.apply(v).orElseThrow(() -> bad(key, expected, v));
    }

    public boolean bool(String key, boolean defaultValue) {
        String v = raw(key);
        if (v == null) {
            return defaultValue;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw bad(key, "true or false", v);
        };
    }

    /** ISO-8601 ({@code PT2M}) or a number with a unit ({@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}). */
    public Duration duration(String key, Duration defaultValue) {
        String v = raw(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Duration.parse(v);
        } catch (DateTimeParseException e) {
            String s = v.toLowerCase(Locale.ROOT);
            try {
                if (s.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
                }
                long n = Long.parseLong(s.substring(0, s.length() - 1));
                return switch (s.charAt(s.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    default -> throw bad(key, "a duration like PT2M, 500ms, 30s, 2m or 1h", v);
                };
            } catch (NumberFormatException | StringIndexOutOfBoundsException ex) {
                throw bad(key, "a duration like PT2M, 500ms, 30s, 2m or 1h", v);
            }
        }
    }

    public List<String> list(String key, List<String> defaultValue) {
        String v = raw(key);
        if (v == null) {
            return defaultValue;
        }
        return Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    public Path path(String key, Path defaultValue) {
        String v = raw(key);
        return v == null ? defaultValue : Path.of(v);
    }

    /**
     * Fails on flags that the component never read: they are typos or meant for another component. Unknown keys
     * from the environment or a config file, which several components often share, are only logged.
     */
    public void rejectUnknown(Set<String> alsoKnown) {
        Set<String> known = new HashSet<>(read);
        alsoKnown.forEach(k -> known.add(canonical(k)));
        TreeSet<String> unknownFlags = new TreeSet<>();
        TreeSet<String> ignored = new TreeSet<>();
        for (String k : values.keySet()) {
            if (!known.contains(k)) {
                String origin = origins.get(k);
                (origin.startsWith("flag") ? unknownFlags : ignored).add(k + " (from " + origin + ")");
            }
        }
        if (!ignored.isEmpty()) {
            log.warn("Ignoring config keys this component does not use: {}", ignored);
        }
        if (!unknownFlags.isEmpty()) {
            throw new HourglassException("unknown config keys " + unknownFlags + "; see the README for the keys of"
                    + " each component");
        }
    }
}
