package io.hourglass.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * CPU time by component, from each thread's CPU clock, grouped by thread name. The JVM's own threads (garbage
 * collector, JIT compiler) are read from /proc on Linux; what no thread accounts for (threads that ended within the
 * window, or everything of the JVM's own where /proc is absent) is "other".
 */
final class ComponentCpu {
    private static final Map<String, Pattern> COMPONENTS = componentPatterns();
    /** USER_HZ, the unit of /proc CPU times: 100 on the Linux systems Java runs on. */
    private static final int TICKS_PER_SECOND = 100;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> start;
    private final Map<String, Double> jvmStart;
    private final double processStart;

    private ComponentCpu() {
        start = perThread(threads);
        jvmStart = jvmThreads();
        processStart = ProcessGauges.cpuSeconds();
    }

    /** Starts a window now. */
    static ComponentCpu begin() {
        return new ComponentCpu();
    }

    private static Map<String, Pattern> componentPatterns() {
        Map<String, Pattern> m = new LinkedHashMap<>();
        m.put("agent", Pattern.compile("^(agent-|HttpClient-)"));
        m.put("collector", Pattern.compile(
                "^(JettyServerThreadPool|kafka-producer-network-thread \\| hourglass-collector|collector-)"));
        m.put("writer", Pattern.compile("(writer)"));
        m.put("completionist", Pattern.compile("(completionist)"));
        // The raw baseline's producer is the bench's own, not the broker's, whatever its thread's name begins with.
        m.put("bench_driver", Pattern.compile("^kafka-producer-network-thread \\| bench-"));
        m.put("kafka_broker", Pattern.compile(
                "^(data-plane-|kafka-|broker-|quorum-|group-coordinator|controller-|raft-|log-)"));
        return m;
    }

    /** Each component's share of the process's CPU time since {@link #begin()}; the shares add up to one. */
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
        jvmThreads().forEach((c, s) -> seconds.put(c, s - jvmStart.getOrDefault(c, 0.0)));
        double accounted = seconds.values().stream().mapToDouble(Double::doubleValue).sum();
        seconds.put("other", Math.max(0, total - accounted));
        // The JVM's threads are read from /proc in 10 ms ticks each, so in a short window their sum can pass the
        // process's own figure by a few percent: then the shares are of that sum, and still add up to one.
        double whole = Math.max(total, accounted);
        Map<String, Double> shares = new LinkedHashMap<>();
        seconds.forEach((c, s) -> shares.put(c, whole > 0 ? Math.round(s / whole * 1000) / 1000.0 : 0.0));
        return shares;
    }

    /** The component a thread belongs to, by its name. */
    static String component(String threadName) {
        for (Map.Entry<String, Pattern> c : COMPONENTS.entrySet()) {
            if (c.getValue().matcher(threadName).find()) {
                return c.getKey();
            }
        }
        return "bench_driver";
    }

    /** CPU seconds of the garbage collector's and the JIT compiler's native threads, from /proc. */
    private static Map<String, Double> jvmThreads() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("gc", 0.0);
        m.put("jit", 0.0);
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException e) {
                    continue;  // the thread ended
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String kind = name.startsWith("GC Thread") || name.startsWith("G1 ") || name.equals("VM Thread") ? "gc"
                        : name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler") ? "jit" : null;
                if (kind != null) {
                    // Fields after the name: state is the 1st, utime the 12th and stime the 13th, in clock ticks.
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    m.merge(kind, (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) TICKS_PER_SECOND,
                            Double::sum);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the JVM's own threads stay in "other"
        }
        return m;
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
