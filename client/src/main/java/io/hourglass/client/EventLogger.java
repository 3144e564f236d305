package io.hourglass.client;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hourglass.core.Envelope;
import io.hourglass.core.EventTypes;
import io.hourglass.core.HourglassException;
import io.hourglass.core.Hours;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/**
 * Appends events to a host event log: one JSON line per event, in the file of the {@code logged_at} hour
 * ({@code YYYY-MM-DDTHH.jsonl}, UTC). Safe to call from many threads; each line is written whole with one append.
 * With {@code fsyncEachEvent} every line is forced to disk before {@link #log} returns.
 */
public final class EventLogger implements AutoCloseable {
    private final Path dir;
    private final Clock clock;
    private final boolean fsyncEachEvent;
    private Instant openHour;
    private FileChannel channel;

    public EventLogger(Path dir, Clock clock, boolean fsyncEachEvent) {
        this.dir = requireNonNull(dir, "dir is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.fsyncEachEvent = fsyncEachEvent;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create host event log directory " + dir, e);
        }
    }

    /** Logs an event now and returns its id. */
    public String log(String type, int version, ObjectNode payload) {
        return log(type, version, payload, null);
    }

    /** Logs an event with the client's own event time, and returns its id. */
    public String log(String type, int version, ObjectNode payload, Instant eventTime) {
        EventTypes.requireValidName(type);
        Envelope e = new Envelope(UUID.randomUUID().toString(), type, version, eventTime, clock.instant(), null, null,
                false, payload);
        append(e);
        return e.id();
    }

    /** Appends a complete envelope as it is; used by load generators and by replays of past hours. */
    public synchronized void append(Envelope e) {
        byte[] json = e.toBytes();
        ByteBuffer line = ByteBuffer.allocate(json.length + 1).put(json).put((byte) '\n').flip();
        try {
            FileChannel ch = channelFor(e.hour());
            while (line.hasRemaining()) {
                ch.write(line);
            }
            if (fsyncEachEvent) {
                ch.force(false);
            }
        } catch (IOException ex) {
            throw new HourglassException("cannot append to host event log in " + dir + ": " + ex.getMessage(), ex);
        }
    }

    private FileChannel channelFor(Instant hour) throws IOException {
        if (!hour.equals(openHour)) {
            closeChannel();
            channel = FileChannel.open(dir.resolve(Hours.logFileName(hour)), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            openHour = hour;
        }
        return channel;
    }

    private void closeChannel() throws IOException {
        if (channel != null) {
            channel.force(false);
            channel.close();
            channel = null;
            openHour = null;
        }
    }

    @Override
    public synchronized void close() {
        try {
            closeChannel();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close host event log in " + dir, e);
        }
    }
}
