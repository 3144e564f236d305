package io.hourglass.cli.verify;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Event ids with a few numbers each, spread by the id's hash over partition files in a scratch folder, so that a check
 * over every id of a lake takes one partition into memory at a time. An id lands in the same partition in every spill
 * with the same partition count.
 */
final class IdSpill implements AutoCloseable {
    private static final int BUFFER = 64 * 1024;

    /** A scratch file could not be written: a failure of verify's own disk, not of what it reads. */
    static final class ScratchFailure extends UncheckedIOException {
        ScratchFailure(String message, IOException cause) {
            super(message, cause);
        }
    }

    /** One spilled id and its numbers. */
    record Entry(String id, long[] values) {
    }

    /** Takes the entries of a partition, one at a time. */
    interface EntryConsumer {
        void accept(Entry e);
    }

    private final Path dir;
    private final String name;
    private final int width;
    private final DataOutputStream[] outs;

    /** Spills into {@code partitions} files {@code <name>-<n>} in {@code dir}, each id with {@code width} numbers. */
    IdSpill(Path dir, String name, int partitions, int width) throws IOException {
        this.dir = dir;
        this.name = name;
        this.width = width;
        this.outs = new DataOutputStream[partitions];
        for (int p = 0; p < partitions; p++) {
            outs[p] = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file(p)), BUFFER));
        }
    }

    /** The partition of an id among {@code partitions}. */
    static int partition(String id, int partitions) {
        return Math.floorMod(id.hashCode() * 0x9E3779B9, partitions);
    }

    void add(String id, long... values) {
        if (values.length != width) {
            throw new IllegalArgumentException("the " + name + " spill takes " + width + " numbers an id");
        }
        try {
            DataOutputStream out = outs[partition(id, outs.length)];
            byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
            out.writeInt(bytes.length);
            out.write(bytes);
            for (long v : values) {
                out.writeLong(v);
            }
        } catch (IOException e) {
            throw new ScratchFailure("cannot write a scratch file of verify in " + dir + ": " + e.getMessage()
                    + "; free space there, or point java.io.tmpdir elsewhere", e);
        }
    }

    /** Ends the writing; {@link #read} may follow. */
    void finish() throws IOException {
        for (DataOutputStream out : outs) {
            out.close();
        }
    }

    /** Every entry of partition {@code p}, in the order they were added. */
    void read(int p, EntryConsumer consumer) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file(p)), BUFFER))) {
            while (true) {
                int length;
                try {
                    length = in.readInt();
                } catch (EOFException end) {
                    return;
                }
                String id = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                long[] values = new long[width];
                for (int i = 0; i < width; i++) {
                    values[i] = in.readLong();
                }
                consumer.accept(new Entry(id, values));
            }
        }
    }

    private Path file(int p) {
        return dir.resolve(name + "-" + p);
    }

    @Override
    public void close() throws IOException {
        finish();
        for (int p = 0; p < outs.length; p++) {
            Files.deleteIfExists(file(p));
        }
    }
}
