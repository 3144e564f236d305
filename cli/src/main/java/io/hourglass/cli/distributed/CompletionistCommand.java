package io.hourglass.cli.distributed;

import io.hourglass.completionist.Completionist;
import io.hourglass.completionist.CompletionistConfig;
import io.hourglass.core.config.Settings;
import io.hourglass.core.lake.LocalLakeStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hourglass completionist}: seals and closes buckets. Run one; it rebuilds its state from Kafka at start. */
@Command(name = "completionist", mixinStandardHelpOptions = true,
        description = "Run the completionist (keys: kafka.*, http.*, data.dir, registry.dir, completionist.*,"
            + " clock.*).")
public final class CompletionistCommand implements Callable<Integer> {
    @Mixin
    ProcessOptions options;

    @Option(names = "--data-dir", description = "Shorthand for --set data.dir=... (the lake's root)")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        ComponentProcess p = new ComponentProcess("completionist", options.settings(
                dataDir == null ? Map.of() : Map.of("data.dir", dataDir.toString())));
        Settings s = p.settings;
        CompletionistConfig d = CompletionistConfig.defaults();
        CompletionistConfig config = s.build(() -> new CompletionistConfig(
                s.duration("completionist.host-timeout", d.hostTimeout()),
                s.duration("completionist.tick-interval", d.tickInterval()),
                s.duration("completionist.startup-grace", d.startupGrace())));
        LocalLakeStore lake = new LocalLakeStore(s.path("data.dir", Path.of("hourglass-data")));
        p.run(List.of(new Completionist(config, p.kafka, () -> p.registry, lake, p.clock, p.metrics)), r -> { }, 7073);
        return 0;
    }
}
