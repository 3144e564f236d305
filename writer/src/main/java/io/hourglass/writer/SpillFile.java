package io.hourglass.writer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stage's events on local disk, appended as they arrive and read back when the stage is finalized. It is not
 * durable (no fsync): after a crash the writer rebuilds staging from Kafka.
 */
final class SpillFile implements Closeable {
    private static final int BUFFER = 16 * 1024;
    /** Larger than any event a collector accepts, so a bigger length can only mean a damaged file. */
    private static final int MAX_RECORD = 64 * 1024 * 1024;
    private final Path path;
    private final DataOutputStream out;

    /** One spilled event: its Kafka offset, whether it is late, its schema version, its host, and its raw bytes. */
    record Spilled(long offset, boolean late, int version, String host, byte[] raw) {
    }

    /** Receives spilled events in the order they were appended. */
    @FunctionalInterface
    interface Visitor {
        void visit(Spilled event) throws IOException;
    }

    /** The spill file cannot be read back (deleted or damaged underneath the writer). */
    static final class Unreadable extends IOException {
        Unreadable(Path path, IOException cause) {
            super("spill file " + path + " cannot be read: " + cause, cause);
        }
    }

    SpillFile(Path path) throws IOException {
        this.path = path;
        Files.createDirectories(path.getParent());
        this.out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(path), BUFFER));
    }

    void append(long offset, boolean late, int version, String host, byte[] raw) throws IOException {
        out.writeLong(offset);
        out.writeBoolean(late);
        out.writeInt(version);
        byte[] hostBytes = host.getBytes(StandardCharsets.UTF_8);  // writeUTF would refuse hosts over 64 KiB
        out.writeInt(hostBytes.length);
        out.write(hostBytes);
        out.writeInt(raw.length);
        out.write(raw);
    }

    /**
     * Reads every event back; with {@code withBytes} false, {@link Spilled#raw} is null and the bytes are skipped.
     * Failures to read the file are {@link Unreadable}; the visitor's own exceptions pass through as they are.
     */
    void read(boolean withBytes, Visitor visitor) throws IOException {
        DataInputStream in;
        try {
            out.flush();
            in = new DataInputStream(new BufferedInputStream(Files.newInputStream(path), BUFFER));
        } catch (IOException e) {
            throw new Unreadable(path, e);
        }
        try (in) {
            Spilled next;
            while ((next = next(in, withBytes)) != null) {
                visitor.visit(next);
            }
        }
    }

    private Spilled next(DataInputStream in, boolean withBytes) throws Unreadable {
        try {
            long offset;
            try {
                offset = in.readLong();
            } catch (EOFException end) {
                return null;
            }
            boolean late = in.readBoolean();
            int version = in.readInt();
            String host = new String(bytes(in, true), StandardCharsets.UTF_8);
            return new Spilled(offset, late, version, host, bytes(in, withBytes));
        } catch (IOException e) {
            throw new Unreadable(path, e);
        }
    }

    /** A length-prefixed run of bytes, or null (skipped) without {@code keep}; a damaged length is an error. */
    private static byte[] bytes(DataInputStream in, boolean keep) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_RECORD) {
            throw new IOException("damaged record length " + length);
        }
        if (!keep) {
            in.skipNBytes(length);
            return null;
        }
        byte[] b = new byte[length];
        in.readFully(b);
        return b;
    }

    /** Closes and deletes the file. */
    @Override
    public void close() throws IOException {
        try {
            out.close();
        } finally {
            Files.deleteIfExists(path);
        }
    }
}
