package io.hourglass.agent;

import io.hourglass.core.HourglassException;
import io.hourglass.core.service.Service;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link HostAgent} per directory under a hosts root ({@code hosts/<host>/}), picking up new directories
 * live. The directory name is the host name.
 */
public final class HostsAgent implements Service {
    private static final Logger log = LoggerFactory.getLogger(HostsAgent.class);
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    private final Path hostsRoot;
    private final AgentConfig config;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final Map<String, HostAgent> agents = new ConcurrentHashMap<>();
    private final Set<String> ignored = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final ScheduledExecutorService scanner = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "agent-host-scanner");
        t.setDaemon(true);
        return t;
    });

    public HostsAgent(Path hostsRoot, AgentConfig config, Clock clock, MeterRegistry metrics) {
        this.hostsRoot = hostsRoot;
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public void start() {
        try {
            Files.createDirectories(hostsRoot);
        } catch (IOException e) {
            throw new HourglassException("cannot create hosts directory " + hostsRoot + ": " + e.getMessage(), e);
        }
        scanner.scheduleWithFixedDelay(this::scan, 0, 1, TimeUnit.SECONDS);
    }

    private synchronized void scan() {
        if (stopped.get()) {
            return;
        }
        try (Stream<Path> dirs = Files.list(hostsRoot)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                String host = d.getFileName().toString();
                if (agents.containsKey(host) || ignored.contains(host)) {
                    continue;
                }
                if (!HOST.matcher(host).matches()) {
                    log.warn("Ignoring {}: a host directory name must be letters, digits, '.', '_' or '-'", d);
                    ignored.add(host);
                    continue;
                }
                HostAgent agent = new HostAgent(host, d, config, clock, metrics);
                agents.put(host, agent);
                agent.start();
            }
        } catch (IOException | RuntimeException e) {
            log.error("Cannot scan hosts directory {}: {}", hostsRoot, e.getMessage());
        }
    }

    /** The running agents by host. */
    public Map<String, HostAgent> agents() {
        return Map.copyOf(agents);
    }

    /** Hosts with a running agent. */
    public List<String> hosts() {
        return new ArrayList<>(agents.keySet());
    }

    @Override
    public void stop() {
        if (stopped.compareAndSet(false, true)) {
            scanner.shutdownNow();
            synchronized (this) {
                agents.values().forEach(HostAgent::stop);
            }
        }
    }

    @Override
    public String name() {
        return "agents";
    }

    @Override
    public boolean ready() {
        return agents.values().stream().allMatch(HostAgent::ready);
    }
}
