package io.hourglass.cli.chaos;

import io.hourglass.cli.demo.HostSimulator;
import io.hourglass.core.registry.Registry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** Simulated services: log events through the client library into each host's event log at a steady rate. */
final class LoadGenerator implements AutoCloseable {
    private final List<HostSimulator> hosts = new ArrayList<>();
    private final int eventsPerSecond;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong written = new AtomicLong();
    private final Thread thread = new Thread(this::run, "chaos-load");

    LoadGenerator(Path hostsDir, List<String> names, Registry registry, Clock clock, int eventsPerSecond, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (String n : names) {
            hosts.add(new HostSimulator(hostsDir, n, registry, clock, random.split()));
        }
        this.eventsPerSecond = eventsPerSecond;
    }

    void start() {
        thread.start();
    }

    private void run() {
        long tick = 0;
        long start = System.nanoTime();
        while (running.get()) {
            for (HostSimulator h : hosts) {
                h.logNow();
                written.incrementAndGet();
            }
            tick++;
            long due = start + tick * 1_000_000_000L * hosts.size() / eventsPerSecond;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    long written() {
        return written.get();
    }

    @Override
    public void close() {
        running.set(false);
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        hosts.forEach(HostSimulator::close);
    }
}
