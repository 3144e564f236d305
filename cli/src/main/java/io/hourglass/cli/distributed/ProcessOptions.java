package io.hourglass.cli.distributed;

import io.hourglass.core.config.Settings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every component process takes: a YAML config file and {@code --set key=value} overrides. */
public final class ProcessOptions {
    @Option(names = "--config", description = "YAML config file (nested keys, e.g. kafka: {bootstrap: ...}).")
    Path config;

    @Option(names = "--set", description = "A config key, e.g. --set kafka.bootstrap=127.0.0.1:9092. Repeatable.")
    Map<String, String> set = new LinkedHashMap<>();

    @Option(names = "--kafka", description = "Shorthand for --set kafka.bootstrap=...")
    String kafka;

    @Option(names = "--http-port", description = "Shorthand for --set http.port=...")
    Integer httpPort;

    /** Flags win over environment variables, which win over the config file. */
    public Settings settings(Map<String, String> extraFlags) {
        Map<String, String> flags = new LinkedHashMap<>(set);
        if (kafka != null) {
            flags.put("kafka.bootstrap", kafka);
        }
        if (httpPort != null) {
            flags.put("http.port", httpPort.toString());
        }
        flags.putAll(extraFlags);
        return Settings.load(config, System.getenv(), flags);
    }
}
