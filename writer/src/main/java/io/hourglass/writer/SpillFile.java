package io.hourglass.writer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stage's events on local disk, appended as they arrive and read back when the stage is finalized. It is not
 * durable (no fsync): after a crash the writer rebuilds staging from Kafka.
 */
final class SpillFile implements Closeable {
    private static final int BUFFER = 16 * 1024;
    private final Path path;
    private final DataOutputStream out;

    /** One spilled event: its Kafka offset, whether it is late, its schema version, its host, and its raw bytes. */
    record Spilled(long offset, boolean late, int version, String host, byte[] raw) { }

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
        out.writeUTF(host);
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
            String host = in.readUTF();
            int length = in.readInt();
            byte[] raw = null;
            if (withBytes) {
                raw = new byte[length];
                in.readFully(raw);
            } else {
                in.skipNBytes(length);
            }
            return new Spilled(offset, late, version, host, raw);
        } catch (IOException e) {
            throw new Unreadable(path, e);
        }
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
