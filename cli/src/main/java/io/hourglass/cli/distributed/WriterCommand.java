package io.hourglass.cli.distributed;

import io.hourglass.core.config.Settings;
import io.hourglass.core.lake.LocalLakeStore;
import io.hourglass.core.service.Service;
import io.hourglass.writer.AvroCodec;
import io.hourglass.writer.Writer;
import io.hourglass.writer.WriterConfig;
import io.hourglass.writer.badrows.BadRowsWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hourglass writer [--lane L,...]}: a member of each lane's consumer group; also files bad rows. */
@Command(name = "writer", mixinStandardHelpOptions = true,
        description = "Run a writer for one lane (keys: kafka.*, http.*, data.dir, registry.dir, writer.*, clock.*).")
public final class WriterCommand implements Callable<Integer> {
    @Mixin
    ProcessOptions options;

    @Option(names = "--lane", description = "Shorthand for --set writer.lanes=... (comma-separated; default: all)")
    String lane;

    @Option(names = "--data-dir", description = "Shorthand for --set data.dir=... (the lake's root)")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        Map<String, String> flags = new java.util.HashMap<>();
        if (lane != null) {
            flags.put("writer.lanes", lane);
        }
        if (dataDir != null) {
            flags.put("data.dir", dataDir.toString());
        }
        ComponentProcess p = new ComponentProcess("writer", options.settings(flags));
        Settings s = p.settings;
        Path data = s.path("data.dir", Path.of("hourglass-data"));
        LocalLakeStore lake = new LocalLakeStore(data);
        Path staging = s.path("writer.staging-dir", data.resolve("writer-staging"));
        String instance = s.string("writer.instance-id", Long.toString(ProcessHandle.current().pid()));
        List<Service> parts = new ArrayList<>();
        for (String l : s.list("writer.lanes", List.copyOf(p.registry.lanes()))) {
            WriterConfig d = WriterConfig.defaults(l, staging);
            WriterConfig config = s.build(() -> new WriterConfig(l, instance,
                    s.duration("writer.commit-interval", d.commitInterval()),
                    s.duration("writer.retry-interval", d.retryInterval()), staging,
                    s.parsed("writer.codec", d.codec(), AvroCodec::of, AvroCodec.names()),
                    s.integer("writer.dedup-memory-ids", d.dedupMemoryIds()),
                    s.bytes("writer.block-memory", d.blockMemory()),
                    s.bytes("writer.late-id-memory", d.lateIdMemory())));
            parts.add(new Writer(config, p.kafka, () -> p.registry, lake, p.clock, p.metrics));
        }
        parts.add(new BadRowsWriter(p.kafka, lake));
        p.run(parts, r -> { }, 7072);
        return 0;
    }
}
