package io.hourglass.agent;

import static java.util.Objects.requireNonNull;

import io.hourglass.core.FailPoints;
import io.hourglass.core.HourglassException;
import io.hourglass.core.Hours;
import io.hourglass.core.Lines;
import io.hourglass.core.control.Heartbeat;
import io.hourglass.core.control.Marker;
import io.hourglass.core.service.Service;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships one host's event log. Files are read in hour order; up to {@code agent.max-in-flight} batches are sent before
 * the oldest one's answer is waited for, and the checkpoint moves (durably) only over acknowledged batches, in order.
 * Once an hour's file is sealed (clock past hour end plus grace) and fully acknowledged, the agent publishes the hour's
 * marker, then records that in the checkpoint. The log folder is listed at most once a poll interval, and files that
 * are marked and fully sent are looked at again once a heartbeat interval, not for every batch: a host may keep months
 * of hourly files, and looking at each of them for every batch would cost more than the batch.
 */
public final class HostAgent implements Service {
    private static final Logger log = LoggerFactory.getLogger(HostAgent.class);
    /** What a batch of blank lines only is acknowledged with. */
    private static final FileState.Ack NOTHING = new FileState.Ack(Map.of(), Map.of(), 0);

    private final String host;
    private final Path logDir;
    private final AgentConfig config;
    private final Clock clock;
    private final CollectorClient client;
    private final CheckpointStore store;
    private final Backoff backoff;
    private final MeterRegistry metrics;
    private final TreeMap<String, FileState> state;
    private final AtomicBoolean running = new AtomicBoolean();
    private final Thread thread;
    private volatile boolean connected;
    private volatile Instant lastHeartbeat = Instant.EPOCH;
    /** Whether the state holds acknowledgements the checkpoint on disk does not have yet. */
    private boolean unsaved;
    /** Batches sent and not yet acknowledged, oldest first; at most {@code agent.max-in-flight}. */
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    /** Where each file's next batch starts: past the batches in flight, so ahead of its acknowledged bytes. */
    private final Map<String, Long> sentUpTo = new HashMap<>();
    /** Holds the batch being read; kept, as a batch-sized array per batch was old-generation garbage (2 MiB). */
    private byte[] readBuffer = new byte[0];
    private long lastSaveNanos;
    /** The log's files by name, with their hours, as last listed; null until the first step. */
    private TreeMap<String, Instant> files;
    private long listedNanos;
    /** Set when a listed file could not be read: the log is listed again at the next step. */
    private boolean listAgain;
    /** Files that were marked and fully sent when last looked at; forgotten once a heartbeat interval. */
    private final Set<String> done = new HashSet<>();
    private long doneSinceNanos;

    public HostAgent(String host, Path logDir, AgentConfig config, Clock clock, MeterRegistry metrics) {
        this.host = requireNonNull(host, "host is null");
        this.logDir = requireNonNull(logDir, "logDir is null");
        this.config = requireNonNull(config, "config is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.client = new CollectorClient(config.collectors(), host, config.requestTimeout(), config.compression());
        this.store = new CheckpointStore(config.stateDir().resolve(host + ".checkpoint.json"));
        this.backoff = new Backoff(config.backoffBase(), config.backoffMax(), new Random());
        this.state = store.load();
        this.thread = new Thread(this::run, "agent-" + host);
        this.lastSaveNanos = System.nanoTime();
    }

    @Override
    public void start() {
        if (running.compareAndSet(false, true)) {
            thread.start();
            log.info("Agent for host {} tailing {} ({} files in checkpoint)", host, logDir, state.size());
        }
    }

    @Override
    public void stop() {
        if (running.compareAndSet(true, false)) {
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            client.close();
        }
    }

    @Override
    public String name() {
        return "agent-" + host;
    }

    @Override
    public boolean ready() {
        return connected;
    }

    public boolean isRunning() {
        return running.get();
    }

    /** Clock time of the last heartbeat the collector acknowledged. */
    public Instant lastHeartbeat() {
        return lastHeartbeat;
    }

    private void run() {
        try {
            while (running.get()) {
                try {
                    boolean busy = step();
                    connected = true;
                    backoff.reset();
                    if (!busy) {
                        Thread.sleep(config.pollInterval().toMillis());
                    }
                } catch (CollectorClient.RetryableException e) {
                    connected = false;
                    Duration wait = backoff.next();
                    metrics.counter("hourglass_agent_retries_total", "host", host).increment();
                    if (backoff.failures() == 1 || backoff.failures() % 10 == 0) {
                        log.warn("Host {}: {}; retry #{} in {} ms. Nothing is lost; the batch is resent.", host,
                                e.getMessage(), backoff.failures(), wait.toMillis());
                    }
                    sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (HourglassException e) {
                    if (Thread.currentThread().isInterrupted()) {
                        return;
                    }
                    log.error("Host {}: {}", host, e.getMessage());
                    sleep(backoff.next());
                }
            }
        } finally {
            saveOnStop();
        }
    }

    /** Saves acknowledgements not yet in the checkpoint, so that a clean stop resends nothing. */
    private void saveOnStop() {
        if (!unsaved) {
            return;
        }
        boolean interrupted = Thread.interrupted();  // an interrupted thread cannot write to a FileChannel
        try {
            checkpoint();
        } catch (HourglassException e) {
            log.warn("Host {}: {}; what was sent since the last checkpoint is sent again at start", host,
                    e.getMessage());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
        }
    }

    /**
     * One pass over the log: a due heartbeat first (so that a starting agent announces itself and its backlog before
     * shipping it), then at most one batch, and the markers of hours that are sealed and fully acknowledged.
     */
    boolean step() {
        Instant now = clock.instant();
        lookAtTheLog();
        markRemovedFiles(now);
        if (!now.isBefore(lastHeartbeat.plus(config.heartbeatInterval()))) {
            client.sendSignal(new Heartbeat(host, now, watermark(now)));
            lastHeartbeat = now;
        }
        for (String name : files.keySet()) {
            if (done.contains(name)) {
                continue;
            }
            FileState fs = state.get(name);
            long from = sentUpTo.getOrDefault(name, fs.ackedBytes());
            long size = sizeOf(name);
            if (fs.marked() && size <= from) {
                done.add(name);  // lines appended to a marked hour later are still sent, and arrive late
                continue;
            }
            if (size < from && Files.exists(logDir.resolve(name))) {
                log.warn("Host {}: {} shrank from {} to {} bytes (truncated or replaced); resending it from the"
                        + " start. Duplicates are dropped downstream.", host, name, from, size);
                inFlight.clear();  // their acknowledgements would move the checkpoint past the new end
                sentUpTo.clear();
                done.clear();
                fs = fs.restartedAt(0);
                state.put(name, fs);
                from = 0;
            }
            boolean sealed = !now.isBefore(Hours.end(fs.hour()).plus(config.grace()));
            Batch batch = read(logDir.resolve(name), from, sealed);
            while (inFlight.size() < config.maxInFlight() && batch.endOffset() > from) {
                // Only blank lines, or an over-long blank one, are acknowledged as nothing, in their turn.
                inFlight.add(new InFlight(name, batch.endOffset(), batch.events(), batch.events() == 0 ? null
                        : client.sendEvents(batch.bytes(), batch.length(), batch.events())));
                sentUpTo.put(name, batch.endOffset());
                from = batch.endOffset();
                batch = inFlight.size() < config.maxInFlight() ? read(logDir.resolve(name), from, sealed) : batch;
            }
            if (!inFlight.isEmpty()) {
                acknowledgeOldest();
                return true;
            }
            if (sealed && batch.atEnd() && !fs.marked()) {
                mark(name, fs, false, now);
                log.info("Host {} marked hour {}: {} events {}", host, fs.hour(), total(fs), fs.counts());
            }
        }
        if (unsaved) {
            checkpoint();  // caught up: nothing is left to resend after a crash
        }
        return false;
    }

    /** Lists the log if the last listing is a poll interval old, and forgets which files were done once a heartbeat. */
    private void lookAtTheLog() {
        // Real time, as for checkpoints: these bound the system calls per second, whatever the injected clock does.
        long nanos = System.nanoTime();
        if (files == null || listAgain || nanos - listedNanos >= config.pollInterval().toNanos()) {
            listAgain = false;
            files = logFiles();
            files.forEach((name, hour) -> state.computeIfAbsent(name, n -> FileState.fresh(hour)));
            forgetRemovedFiles();
            listedNanos = nanos;
        }
        if (nanos - doneSinceNanos >= config.heartbeatInterval().toNanos()) {
            done.clear();
            doneSinceNanos = nanos;
        }
    }

    /**
     * Marks the sealed hours whose file left the log before it was marked: removed by hand, or by a cleanup that did
     * not wait for the agent. What was acknowledged is all the host can vouch for, so the marker says that the file
     * was removed, and the completionist closes the hour's buckets as incomplete instead of waiting for ever. Batches
     * of the file still in flight are acknowledged first, so that the marker counts them.
     */
    private void markRemovedFiles(Instant now) {
        List<Map.Entry<String, FileState>> removed = state.entrySet().stream()
                .filter(e -> !e.getValue().marked() && !files.containsKey(e.getKey())
                        && !now.isBefore(Hours.end(e.getValue().hour()).plus(config.grace()))
                        && inFlight.stream().noneMatch(b -> b.file().equals(e.getKey())))
                .toList();
        if (removed.isEmpty() || !Files.isDirectory(logDir)) {
            return;  // a log that is gone as a whole, as when its disk is not mounted, is waited for, not given up
        }
        for (Map.Entry<String, FileState> e : removed) {
            String name = e.getKey();
            FileState fs = e.getValue();
            mark(name, fs, true, now);
            metrics.counter("hourglass_agent_files_removed_unsent_total", "host", host).increment();
            log.error("Host {}: {} was removed from {} before the agent had sent all of it ({} bytes, {} events"
                            + " acknowledged). Marked hour {} as incomplete: its buckets close without this host's"
                            + " guarantee, and what was not sent is lost. Keep log files until the agent has marked"
                            + " them.", host, name, logDir, fs.ackedBytes(), total(fs), fs.hour());
        }
    }

    /** Publishes the hour's marker with what was acknowledged, then records in the checkpoint that it is marked. */
    private void mark(String name, FileState fs, boolean fileRemoved, Instant now) {
        client.sendSignal(new Marker(host, fs.hour(), fs.counts(), fs.offsets(), fs.rejected(), fileRemoved, now));
        state.put(name, fs.asMarked());
        checkpoint();
    }

    /**
     * Forgets the marked files that are gone from the log (rotated away), as Filebeat's {@code clean_removed} does:
     * the checkpoint, saved every second while batches come, would otherwise grow with every hour the host ever
     * logged. An unmarked one is marked first (above), as the watermark waits for it.
     */
    private void forgetRemovedFiles() {
        List<String> gone = state.entrySet().stream()
                .filter(e -> e.getValue().marked() && !files.containsKey(e.getKey()))
                .map(Map.Entry::getKey)
                .filter(name -> inFlight.stream().noneMatch(b -> b.file().equals(name)))
                .toList();
        for (String name : gone) {
            state.remove(name);
            sentUpTo.remove(name);
            done.remove(name);
        }
        if (!gone.isEmpty()) {
            unsaved = true;
            log.info("Host {}: forgot {} marked files no longer in {}, such as {}", host, gone.size(), logDir,
                    gone.get(0));
        }
    }

    /**
     * Waits for the oldest batch in flight and moves its file's checkpoint past it: acknowledgements are taken in the
     * order the batches were read, so the checkpoint never passes a batch that was not acknowledged. If it failed, the
     * batches after it are given up too and everything from the checkpoint is sent again (their copies that did get
     * through are dropped downstream).
     */
    private void acknowledgeOldest() {
        InFlight oldest = inFlight.peekFirst();
        FileState.Ack ack;
        try {
            ack = oldest.sent() == null ? NOTHING : client.acknowledgement(oldest.sent());
        } catch (RuntimeException e) {
            inFlight.clear();
            sentUpTo.clear();
            done.clear();  // a file counted as sent may have had its last batch in flight
            throw e;
        }
        inFlight.removeFirst();
        FailPoints.reached("agent.after-ack");
        state.put(oldest.file(), state.get(oldest.file()).acknowledged(oldest.endOffset(), ack));
        checkpointSoon();
        metrics.counter("hourglass_agent_events_sent_total", "host", host).increment(oldest.events());
    }

    /**
     * Saves the checkpoint if the last save is {@code agent.checkpoint-interval} old: an fsync per batch was a sixth of
     * the agent's CPU at full load, and its copies after a crash are dropped downstream anyway. Real time, not the
     * injected clock: this bounds disk syncs per second.
     */
    private void checkpointSoon() {
        unsaved = true;
        if (System.nanoTime() - lastSaveNanos >= config.checkpointInterval().toNanos()) {
            checkpoint();
        }
    }

    private void checkpoint() {
        store.save(state);
        unsaved = false;
        lastSaveNanos = System.nanoTime();
        metrics.counter("hourglass_agent_checkpoints_total", "host", host).increment();
    }

    /** The oldest hour that may still have data not sent, acknowledged and marked. */
    Instant watermark(Instant now) {
        Instant open = Hours.hourOf(now.minus(config.grace()));
        Optional<Instant> oldestUnmarked = state.values().stream().filter(s -> !s.marked()).map(FileState::hour)
                .min(Instant::compareTo);
        return oldestUnmarked.filter(h -> h.isBefore(open)).orElse(open);
    }

    private long sizeOf(String file) {
        try {
            return Files.size(logDir.resolve(file));
        } catch (IOException e) {
            return 0;
        }
    }

    private TreeMap<String, Instant> logFiles() {
        TreeMap<String, Instant> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(logDir)) {
            s.forEach(p -> Hours.parseLogFileName(p.getFileName().toString())
                    .ifPresent(h -> files.put(p.getFileName().toString(), h)));
        } catch (NoSuchFileException e) {
            return files;
        } catch (IOException e) {
            throw new HourglassException("cannot list host log " + logDir + ": " + e.getMessage(), e);
        }
        return files;
    }

    /**
     * Lines of a file as read, {@code bytes[0, length)}, holding {@code events} events (blank lines are sent as they
     * are and hold none, by the same rules as the collector's), up to {@code endOffset}. The bytes are the agent's
     * read buffer: they are sent before the next read.
     */
    private record Batch(byte[] bytes, int length, int events, long endOffset, boolean atEnd) {
        private static final byte[] NO_BYTES = new byte[0];

        static Batch none(long endOffset, boolean atEnd) {
            return new Batch(NO_BYTES, 0, 0, endOffset, atEnd);
        }
    }

    /** A batch of a file, up to {@code endOffset}, sent and not yet acknowledged; none sent for blank lines only. */
    private record InFlight(String file, long endOffset, int events, CollectorClient.Sent sent) {
    }

    /** Reads complete lines after the checkpoint; a sealed file's unterminated last line is sent as it is. */
    private Batch read(Path file, long from, boolean sealed) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long size = raf.length();
            long pos = from;
            int toRead = (int) Math.min(size - pos, config.batchMaxBytes());
            if (readBuffer.length < toRead) {
                readBuffer = new byte[toRead];
            }
            byte[] buf = readBuffer;
            raf.seek(pos);
            raf.readFully(buf, 0, toRead);
            Batch lines = completeLines(buf, toRead, config.batchMaxEvents(), pos, size);
            if (lines.length() == 0 && toRead > 0) {
                if (toRead >= config.maxLineBytes()) {
                    // A line longer than the limit: send its head (it will land in bad rows) and skip the rest.
                    long skipTo = findNewline(raf, pos + toRead);
                    return oneLine(buf, config.maxLineBytes(), skipTo, skipTo == size);
                }
                if (sealed && pos + toRead == size) {
                    return oneLine(buf, toRead, size, true);
                }
            }
            return lines;
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            listAgain = true;  // removed since the listing: its hour is marked as such once it is sealed
            return Batch.none(from, false);
        } catch (IOException e) {
            throw new HourglassException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** A batch of the one line {@code buf[0, length)}, which has no newline: an event unless blank. */
    private static Batch oneLine(byte[] buf, int length, long endOffset, boolean atEnd) {
        return Lines.eventEnd(buf, 0, length) < 0 ? Batch.none(endOffset, atEnd)
                : new Batch(buf, length, 1, endOffset, atEnd);
    }

    /**
     * The complete lines of {@code buf}'s first {@code size} bytes, read from {@code pos} of a file of {@code fileSize}
     * bytes, up to {@code max} events.
     */
    private static Batch completeLines(byte[] buf, int size, int max, long pos, long fileSize) {
        int start = 0;
        int events = 0;
        int newline;
        while (events < max && (newline = Lines.newline(buf, start, size)) >= 0) {
            if (Lines.eventEnd(buf, start, newline) >= 0) {
                events++;
            }
            start = newline + 1;
        }
        return new Batch(buf, start, events, pos + start, pos + start == fileSize);
    }

    private static long findNewline(RandomAccessFile raf, long from) throws IOException {
        raf.seek(from);
        byte[] chunk = new byte[64 * 1024];
        long pos = from;
        int n;
        while ((n = raf.read(chunk)) > 0) {
            for (int i = 0; i < n; i++) {
                if (chunk[i] == '\n') {
                    return pos + i + 1;
                }
            }
            pos += n;
        }
        return pos;
    }

    private static long total(FileState fs) {
        return fs.counts().values().stream().mapToLong(Long::longValue).sum();
    }
}
