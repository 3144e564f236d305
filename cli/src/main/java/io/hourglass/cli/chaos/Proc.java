package io.hourglass.cli.chaos;

import io.hourglass.core.HourglassException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One component running as its own JVM, which the chaos run can SIGKILL, SIGTERM and start again. */
final class Proc {
    private final String name;
    private final String kind;
    private final List<String> args;
    private final Path log;
    private Process process;

    Proc(String name, String kind, List<String> args, Path logDir) {
        this.name = name;
        this.kind = kind;
        this.args = List.copyOf(args);
        this.log = logDir.resolve(name + ".log");
    }

    String name() {
        return name;
    }

    String kind() {
        return kind;
    }

    synchronized void start() {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), "io.hourglass.cli.Main"));
        cmd.addAll(args);
        try {
            Files.createDirectories(log.getParent());
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new HourglassException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no flush, like a machine losing power. */
    synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitFor(10);
        }
    }

    /** SIGTERM: a graceful stop; SIGKILL if it has not exited within the timeout. */
    synchronized void terminate(int timeoutSeconds) {
        if (process != null) {
            process.destroy();
            if (!waitFor(timeoutSeconds)) {
                process.destroyForcibly();
                waitFor(10);
            }
        }
    }

    private boolean waitFor(int seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
