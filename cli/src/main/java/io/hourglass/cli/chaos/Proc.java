package io.hourglass.cli.chaos;

import io.hourglass.core.HourglassException;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One component running as its own JVM, which the chaos run and fault tests SIGKILL, SIGTERM and start again. */
public final class Proc {
    /** The line a component prints once it serves HTTP, with the port it bound. */
    private static final Pattern RUNNING = Pattern.compile("hourglass \\S+: running \\(http://[^)]*:(\\d+)\\)");

    private final String name;
    private final String kind;
    private final List<String> args;
    private final Path log;
    private final Map<String, String> env = new HashMap<>();
    private Process process;
    /** Where this start's output begins in the log, which every start appends to. */
    private volatile long outputFrom;

    public Proc(String name, String kind, List<String> args, Path logDir) {
        this.name = name;
        this.kind = kind;
        this.args = List.copyOf(args);
        this.log = logDir.resolve(name + ".log");
    }

    /** Sets an environment variable for the next start, or removes it when {@code value} is null. */
    public Proc env(String key, String value) {
        if (value == null) {
            env.remove(key);
        } else {
            env.put(key, value);
        }
        return this;
    }

    public Path log() {
        return log;
    }

    /** The last lines of the process's output, for failure messages. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** Waits until the output of the process's latest start contains {@code text}. */
    public boolean awaitOutput(String text, Duration timeout) throws IOException, InterruptedException {
        return awaitMatch(Pattern.compile(Pattern.quote(text)), timeout) != null;
    }

    /**
     * Waits until the component started last says it is running, and returns the HTTP port it bound: with
     * {@code http.port=0}, a port no other process can take between a kill and a restart.
     */
    public int awaitPort(Duration timeout) throws IOException, InterruptedException {
        Matcher running = awaitMatch(RUNNING, timeout);
        if (running == null) {
            throw new HourglassException(name + (alive() ? " did not serve HTTP within " + timeout
                    : " exited before it served HTTP") + "; its last output:\n" + tail(20));
        }
        return Integer.parseInt(running.group(1));
    }

    /** The first match in the latest start's output, once there is one; null if the process exits or time runs out. */
    private Matcher awaitMatch(Pattern pattern, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            boolean exited = !alive();  // before reading, so that its last words are read too
            if (Files.exists(log)) {
                Matcher m = pattern.matcher(outputSinceStart());
                if (m.find()) {
                    return m;
                }
            }
            if (exited) {
                return null;
            }
            Thread.sleep(100);
        }
        return null;
    }

    /** Reads from the latest start's offset on, not the whole log: a process restarted often has a long one. */
    private String outputSinceStart() throws IOException {
        try (SeekableByteChannel in = Files.newByteChannel(log)) {
            in.position(Math.min(outputFrom, in.size()));
            return new String(Channels.newInputStream(in).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    public String name() {
        return name;
    }

    public String kind() {
        return kind;
    }

    public synchronized void start() {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), "io.hourglass.cli.Main"));
        cmd.addAll(args);
        try {
            Files.createDirectories(log.getParent());
            outputFrom = Files.exists(log) ? Files.size(log) : 0;
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().putAll(env);
            process = pb.start();
        } catch (IOException e) {
            throw new HourglassException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no flush, like a machine losing power. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitFor(10);
        }
    }

    /** SIGTERM: a graceful stop; SIGKILL if it has not exited within the timeout. */
    public synchronized void terminate(int timeoutSeconds) {
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
