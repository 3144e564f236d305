package io.hourglass.cli.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * CPU time by component, from each thread's CPU clock, grouped by thread name. What no thread accounts for (garbage
 * collection, the JIT compiler, threads that ended within the window) is "gc_jit_other".
 */
final class ComponentCpu {
    private static final Map<String, Pattern> COMPONENTS = componentPatterns();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> start;
    private final double processStart;

    private ComponentCpu() {
        start = perThread(threads);
        processStart = ProcessGauges.cpuSeconds();
    }

    /** Starts a window now. */
    static ComponentCpu begin() {
        return new ComponentCpu();
    }

    private static Map<String, Pattern> componentPatterns() {
        Map<String, Pattern> m = new LinkedHashMap<>();
        m.put("agent", Pattern.compile("^(agent-|HttpClient-)"));
        m.put("collector", Pattern.compile("^(JettyServerThreadPool|kafka-producer-network-thread \\| hourglass-collector|collector-)"));
        m.put("writer", Pattern.compile("(writer)"));
        m.put("completionist", Pattern.compile("(completionist)"));
        m.put("kafka_broker", Pattern.compile("^(data-plane-|kafka-|broker-|quorum-|group-coordinator|controller-|raft-|log-)"));
        return m;
    }

    /** Each component's share of the process's CPU time since {@link #begin()}. */
    Map<String, Double> shares() {
        double total = ProcessGauges.cpuSeconds() - processStart;
        Map<String, Double> seconds = new LinkedHashMap<>();
        COMPONENTS.keySet().forEach(c -> seconds.put(c, 0.0));
        seconds.put("bench_driver", 0.0);
        ThreadInfo[] infos = threads.getThreadInfo(threads.getAllThreadIds());
        for (ThreadInfo info : infos) {
            if (info == null) {
                continue;
            }
            long now = threads.getThreadCpuTime(info.getThreadId());
            if (now < 0) {
                continue;
            }
            double used = (now - start.getOrDefault(info.getThreadId(), 0L)) / 1e9;
            seconds.merge(component(info.getThreadName()), used, Double::sum);
        }
        double accounted = seconds.values().stream().mapToDouble(Double::doubleValue).sum();
        seconds.put("gc_jit_other", Math.max(0, total - accounted));
        Map<String, Double> shares = new LinkedHashMap<>();
        seconds.forEach((c, s) -> shares.put(c, total > 0 ? Math.round(s / total * 1000) / 1000.0 : 0.0));
        return shares;
    }

    private static String component(String threadName) {
        for (Map.Entry<String, Pattern> c : COMPONENTS.entrySet()) {
            if (c.getValue().matcher(threadName).find()) {
                return c.getKey();
            }
        }
        return "bench_driver";
    }

    private static Map<Long, Long> perThread(ThreadMXBean threads) {
        Map<Long, Long> m = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long cpu = threads.getThreadCpuTime(id);
            if (cpu >= 0) {
                m.put(id, cpu);
            }
        }
        return m;
    }
}
