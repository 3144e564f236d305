package io.hourglass.cli.distributed;

import io.hourglass.agent.AgentConfig;
import io.hourglass.agent.HostAgent;
import io.hourglass.agent.HostsAgent;
import io.hourglass.core.ContentEncoding;
import io.hourglass.core.config.Settings;
import io.hourglass.core.service.Service;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hourglass agent}: tails every host directory under {@code agent.hosts-dir} (or only {@code agent.host}) and
 * ships to collectors. It needs no Kafka access: markers and heartbeats go through the collectors too.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run the file tailer (keys: agent.*, http.*, clock.*).")
public final class AgentCommand implements Callable<Integer> {
    @Mixin
    ProcessOptions options;

    @Option(names = "--hosts-dir", description = "Shorthand for --set agent.hosts-dir=...")
    Path hostsDir;

    @Option(names = "--collectors", description = "Shorthand for --set agent.collectors=URL[,URL...]")
    String collectors;

    @Override
    public Integer call() throws Exception {
        Map<String, String> flags = new java.util.HashMap<>();
        if (hostsDir != null) {
            flags.put("agent.hosts-dir", hostsDir.toString());
        }
        if (collectors != null) {
            flags.put("agent.collectors", collectors);
        }
        Settings s = options.settings(flags);
        Path hosts = Path.of(s.required("agent.hosts-dir"));
        AgentConfig config = config(s, hosts);
        AgentProcess p = new AgentProcess(s);
        String only = s.string("agent.host", null);
        Service agents = only == null
                ? new HostsAgent(hosts, config, p.clock(), p.metrics())
                : new HostAgent(only, hosts.resolve(only), config, p.clock(), p.metrics());
        p.run(agents, s.integer("http.port", 7071));
        return 0;
    }

    static AgentConfig config(Settings s, Path hostsDir) {
        List<URI> urls = s.list("agent.collectors", List.of("http://127.0.0.1:7070")).stream().map(URI::create)
                .toList();
        AgentConfig d = AgentConfig.defaults(urls, hostsDir.resolveSibling("agent-state"));
        return s.build(() -> new AgentConfig(urls,
                s.path("agent.state-dir", d.stateDir()),
                s.duration("agent.grace", d.grace()),
                s.integer("agent.batch-max-events", d.batchMaxEvents()),
                (int) s.bytes("agent.batch-max-bytes", d.batchMaxBytes()),
                (int) s.bytes("agent.max-line-bytes", d.maxLineBytes()),
                s.duration("agent.poll-interval", d.pollInterval()),
                s.duration("agent.heartbeat-interval", d.heartbeatInterval()),
                s.duration("agent.backoff-base", d.backoffBase()),
                s.duration("agent.backoff-max", d.backoffMax()),
                s.duration("agent.request-timeout", d.requestTimeout()),
                s.parsed("agent.compression", d.compression(), ContentEncoding::of, ContentEncoding.names()),
                s.duration("agent.checkpoint-interval", d.checkpointInterval()),
                s.integer("agent.max-in-flight", d.maxInFlight())));
    }
}
