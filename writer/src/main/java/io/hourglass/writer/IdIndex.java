package io.hourglass.writer;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The distinct ids of one partition-hour, on local disk, found with a bounded amount of memory however many events
 * the hour holds. Building it also tells which copies of an id to drop: all but the one with the lowest (offset,
 * index). Afterwards it answers whether an id is present, for late copies of events in a closed bucket.
 *
 * <p>Ids are spread over 2^b hash partitions so that each fits in memory; with more than one, a first pass writes
 * them to a scratch file per partition. Each partition is deduplicated in an open-addressing table, whose keys are
 * then written to the index file as they lie, so that a lookup is a probe on disk. The file holds a header (magic,
 * partition bits, whether the all-zero key is present), the capacity of each partition's table, then 16-byte slots
 * (high and low bits of the key; all zero for an empty slot, so the all-zero key is kept in the header instead).
 */
public final class IdIndex implements Closeable {
    private static final int MAGIC = 0x48474958;  // "HGIX"
    private static final double LOAD = 0.6;
    private static final int SLOT = 16;
    /** Slots read by one probe: a lookup rarely needs more than the first few. */
    private static final int PROBE_SLOTS = 16;
    private static final int SCRATCH_BUFFER = 16 * 1024;

    private final Path file;
    private final FileChannel channel;
    private final int bits;
    private final boolean hasZero;
    /** Where each partition's table starts, in bytes, and its capacity in slots (a power of two). */
    private final long[] starts;
    private final int[] capacities;
    private final long size;
    private final ByteBuffer probe = ByteBuffer.allocate(PROBE_SLOTS * SLOT);

    /** Receives keys: the id's 128 bits, the Kafka offset of this copy, and its place among all copies. */
    @FunctionalInterface
    public interface KeyVisitor {
        void key(long high, long low, long offset, long index) throws IOException;
    }

    /** Sends every key, in any order, each copy of an id with a distinct index. */
    @FunctionalInterface
    public interface Keys {
        void forEach(KeyVisitor visitor) throws IOException;
    }

    /** A built index, and the indexes of the copies to drop, in ascending order. */
    public record Built(IdIndex index, long[] drops) {
        public boolean dropped(long index) {
            return Arrays.binarySearch(drops, index) >= 0;
        }
    }

    /** Opens the index that {@link #build} wrote, of these tables and {@code size} distinct ids. */
    private IdIndex(Path file, int bits, boolean hasZero, int[] capacities, long size) throws IOException {
        this.file = file;
        this.bits = bits;
        this.hasZero = hasZero;
        this.capacities = capacities;
        this.size = size;
        this.starts = new long[capacities.length];
        long at = 4 + 4 + 1 + 4L * capacities.length;
        for (int p = 0; p < capacities.length; p++) {
            starts[p] = at;
            at += (long) capacities[p] * SLOT;
        }
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
    }

    /**
     * Builds the index of {@code keys} at {@code file}, holding at most about {@code memoryIds} ids in memory at
     * once; {@code expected} is an upper bound on how many keys there are.
     */
    public static Built build(Path file, Keys keys, long expected, int memoryIds) throws IOException {
        int bits = 0;
        while ((expected >> bits) > memoryIds) {
            bits++;
        }
        Path[] scratch = scratchFiles(file, bits);
        Files.createDirectories(file.getParent());  // as spill files do, should the staging folder vanish
        try {
            long[] counts = bits == 0 ? new long[] {expected} : scatter(scratch, keys, bits);
            int[] capacities = new int[counts.length];
            for (int p = 0; p < counts.length; p++) {
                capacities[p] = Table.capacityFor(counts[p]);
            }
            Drops drops = new Drops();
            Table.Zero zero = new Table.Zero();
            long size = 0;
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file),
                    256 * 1024))) {
                out.writeInt(MAGIC);
                out.writeInt(bits);
                out.writeByte(0);  // whether the all-zero key is present: known at the end
                for (int c : capacities) {
                    out.writeInt(c);
                }
                for (int p = 0; p < capacities.length; p++) {
                    Table table = new Table(capacities[p], drops, zero);
                    if (bits == 0) {
                        keys.forEach(table::put);
                    } else {
                        readScratch(scratch[p], table::put);
                        Files.delete(scratch[p]);
                    }
                    size += table.size;
                    table.writeKeys(out, chunk);
                }
            }
            if (zero.present()) {
                try (FileChannel header = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    header.write(ByteBuffer.wrap(new byte[] {1}), 8);
                }
                size++;
            }
            return new Built(new IdIndex(file, bits, zero.present(), capacities, size), drops.sorted());
        } catch (IOException | RuntimeException e) {
            for (Path p : scratch) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** Distinct ids in the index. */
    public long size() {
        return size;
    }

    Path file() {
        return file;
    }

    /** Size of the file. */
    long bytes() {
        return starts.length == 0 ? 0 : starts[starts.length - 1] + (long) capacities[capacities.length - 1] * SLOT;
    }

    /** Whether the index holds the id; called by one thread at a time. */
    boolean contains(String id) {
        long[] key = IdOffsets.key(id);
        return contains(key[0], key[1]);
    }

    boolean contains(long high, long low) {
        if (high == 0 && low == 0) {
            return hasZero;
        }
        long hash = hash(high, low);
        int p = partition(hash, bits);
        int mask = capacities[p] - 1;
        int slot = (int) hash & mask;
        try {
            while (true) {
                int n = Math.min(PROBE_SLOTS, capacities[p] - slot);
                probe.clear().limit(n * SLOT);
                readFully(channel, probe, starts[p] + (long) slot * SLOT);
                for (int i = 0; i < n; i++) {
                    long h = probe.getLong();
                    long l = probe.getLong();
                    if (h == high && l == low) {
                        return true;
                    }
                    if (h == 0 && l == 0) {
                        return false;
                    }
                }
                slot = (slot + n) & mask;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read id index " + file + ": " + e.getMessage(), e);
        }
    }

    /** Closes and deletes the file. */
    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static long hash(long high, long low) {
        long h = high * 0x9E3779B97F4A7C15L ^ low;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        return h ^ h >>> 33;
    }

    private static int partition(long hash, int bits) {
        return bits == 0 ? 0 : (int) (hash >>> (64 - bits));
    }

    private static Path[] scratchFiles(Path file, int bits) {
        if (bits == 0) {
            return new Path[0];
        }
        Path[] files = new Path[1 << bits];
        for (int p = 0; p < files.length; p++) {
            files[p] = file.resolveSibling(file.getFileName() + ".part-" + p);
        }
        return files;
    }

    /** Writes each key to its partition's scratch file; returns how many each got. */
    private static long[] scatter(Path[] scratch, Keys keys, int bits) throws IOException {
        DataOutputStream[] outs = new DataOutputStream[scratch.length];
        long[] counts = new long[scratch.length];
        try {
            for (int p = 0; p < scratch.length; p++) {
                outs[p] = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(scratch[p]),
                        SCRATCH_BUFFER));
            }
            keys.forEach((h, l, o, i) -> {
                int p = partition(hash(h, l), bits);
                counts[p]++;
                DataOutputStream out = outs[p];
                out.writeLong(h);
                out.writeLong(l);
                out.writeLong(o);
                out.writeLong(i);
            });
        } finally {
            for (DataOutputStream out : outs) {
                if (out != null) {
                    out.close();
                }
            }
        }
        return counts;
    }

    private static void readScratch(Path scratch, KeyVisitor visitor) throws IOException {
        try (FileChannel in = FileChannel.open(scratch, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(32 * 8192);
            while (true) {
                int n = in.read(b);
                b.flip();
                while (b.remaining() >= 32) {
                    visitor.key(b.getLong(), b.getLong(), b.getLong(), b.getLong());
                }
                if (n < 0) {
                    if (b.hasRemaining()) {
                        throw new EOFException("scratch file " + scratch + " ends inside a key");
                    }
                    return;
                }
                b.compact();
            }
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer b, long at) throws IOException {
        long position = at;
        while (b.hasRemaining()) {
            int n = channel.read(b, position);
            if (n < 0) {
                throw new EOFException("id index ends early");
            }
            position += n;
        }
        b.flip();
    }

    /**
     * One partition's open-addressing table: key, then the (offset, index) of the copy kept, four longs a slot. The
     * all-zero key is kept apart, because on disk it marks an empty slot.
     */
    private static final class Table {
        private static final long EMPTY = -1;
        private final long[] slots;
        private final int mask;
        private final Drops drops;
        private final Zero zero;
        private long size;

        /** The copy kept of the all-zero key, shared by all partitions. */
        static final class Zero {
            private long offset = EMPTY;
            private long index = EMPTY;

            boolean present() {
                return index != EMPTY;
            }
        }

        Table(int capacity, Drops drops, Zero zero) {
            this.slots = new long[capacity * 4];
            this.mask = capacity - 1;
            this.drops = drops;
            this.zero = zero;
            for (int i = 3; i < slots.length; i += 4) {
                slots[i] = EMPTY;
            }
        }

        static int capacityFor(long ids) {
            int capacity = 16;
            while (capacity * LOAD <= ids) {
                if (capacity >= 1 << 28) {
                    throw new IllegalStateException(ids + " ids are too many for one partition of an id index");
                }
                capacity *= 2;
            }
            return capacity;
        }

        /** Keeps the lowest (offset, index) copy of each key, and adds every other copy to the drops. */
        void put(long high, long low, long offset, long index) {
            if (high == 0 && low == 0) {
                if (!zero.present()) {
                    zero.offset = offset;
                    zero.index = index;
                } else {
                    zero.index = keepLowest(zero.offset, zero.index, offset, index);
                    zero.offset = Math.min(zero.offset, offset);
                }
                return;
            }
            if (size >= (long) (slots.length / 4 * LOAD)) {
                throw new IllegalStateException("more ids than the expected count given to the id index");
            }
            int slot = (int) hash(high, low) & mask;
            while (slots[slot * 4 + 3] != EMPTY && (slots[slot * 4] != high || slots[slot * 4 + 1] != low)) {
                slot = (slot + 1) & mask;
            }
            int at = slot * 4;
            if (slots[at + 3] == EMPTY) {
                slots[at] = high;
                slots[at + 1] = low;
                slots[at + 2] = offset;
                slots[at + 3] = index;
                size++;
            } else {
                slots[at + 3] = keepLowest(slots[at + 2], slots[at + 3], offset, index);
                slots[at + 2] = Math.min(slots[at + 2], offset);
            }
        }

        /** The index of the copy to keep of two; the other one is dropped. */
        private long keepLowest(long keptOffset, long keptIndex, long offset, long index) {
            boolean lower = offset < keptOffset || (offset == keptOffset && index < keptIndex);
            drops.add(lower ? keptIndex : index);
            return lower ? index : keptIndex;
        }

        /**
         * Writes the keys slot by slot, all zero where a slot is empty, through {@code chunk} (big-endian, as the
         * index is read): a call per slot into the stream was half the cost of building an index.
         */
        void writeKeys(OutputStream out, ByteBuffer chunk) throws IOException {
            chunk.clear();
            for (int i = 0; i < slots.length; i += 4) {
                if (chunk.remaining() < SLOT) {
                    out.write(chunk.array(), 0, chunk.position());
                    chunk.clear();
                }
                boolean empty = slots[i + 3] == EMPTY;
                chunk.putLong(empty ? 0 : slots[i]).putLong(empty ? 0 : slots[i + 1]);
            }
            out.write(chunk.array(), 0, chunk.position());
        }
    }

    /** Indexes of the copies to drop. */
    private static final class Drops {
        private long[] indexes = new long[16];
        private int size;

        void add(long index) {
            if (size == indexes.length) {
                indexes = Arrays.copyOf(indexes, size * 2);
            }
            indexes[size++] = index;
        }

        long[] sorted() {
            long[] sorted = Arrays.copyOf(indexes, size);
            Arrays.sort(sorted);
            return sorted;
        }
    }
}
