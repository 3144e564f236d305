package io.hourglass.writer;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.LongBuffer;
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
 * them to a scratch file per partition. In memory, a partition's ids are spread again by the next hash bits into parts
 * of a few thousand, each deduplicated in an open-addressing table that fits in the CPU's cache, whose keys are then
 * written to the index file as they lie, so that a lookup is a probe on disk. The file holds a header (magic, the bits
 * of both spreads, whether the all-zero key is present), the capacity of each part's table, then 16-byte slots (high
 * and low bits of the key; all zero for an empty slot, so the all-zero key is kept in the header instead).
 */
public final class IdIndex implements Closeable {
    private static final int MAGIC = 0x48474958;  // "HGIX"
    private static final double LOAD = 0.6;
    private static final int SLOT = 16;
    /** Slots read by one probe: a lookup rarely needs more than the first few. */
    private static final int PROBE_SLOTS = 16;
    private static final int SCRATCH_BUFFER = 16 * 1024;
    /** Ids of a part whose table (about 53 bytes an id at the load factor) fits in a core's cache. */
    private static final int CACHE_IDS = 4096;

    private final Path file;
    private final FileChannel channel;
    private final int bits;
    private final boolean hasZero;
    /** Where each part's table starts, in bytes, and its capacity in slots. */
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
        int diskBits = bitsFor(expected, memoryIds);
        // Each part of memory is spread again so that its tables fit in the CPU's cache: a put into one table of
        // megabytes missed the cache nearly every time, and the table's allocation zeroed all of it first.
        int cacheBits = bitsFor(expected >> diskBits, CACHE_IDS);
        int bits = diskBits + cacheBits;
        Path[] scratch = scratchFiles(file, diskBits);
        Files.createDirectories(file.getParent());  // as spill files do, should the staging folder vanish
        try {
            long[] counts = diskBits == 0 ? new long[] {expected} : scatter(scratch, keys, diskBits);
            int[] capacities = new int[1 << bits];
            Drops drops = new Drops();
            Table.Zero zero = new Table.Zero();
            Table table = new Table(drops, zero);
            long size = 0;
            long seen = 0;
            byte[] chunk = new byte[64 * 1024];
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file),
                    256 * 1024))) {
                out.writeInt(MAGIC);
                out.writeInt(bits);
                out.writeByte(0);  // whether the all-zero key is present: known at the end
                for (int p = 0; p < capacities.length; p++) {
                    out.writeInt(0);  // each table's capacity: known once its part is spread
                }
                for (int p = 0; p < counts.length; p++) {
                    Spread spread = new Spread(cacheBits, bits, counts[p], expected - seen);
                    if (diskBits == 0) {
                        keys.forEach(spread);
                    } else {
                        readScratch(scratch[p], spread);
                        Files.delete(scratch[p]);
                    }
                    seen += spread.count;
                    for (int s = 0; s < spread.keys.length; s++) {
                        int capacity = Table.capacityFor(spread.fill[s] / 4);
                        capacities[p << cacheBits | s] = capacity;
                        size += table.build(capacity, spread.keys[s], spread.fill[s]);
                        table.writeKeys(out, chunk);
                    }
                }
            }
            ByteBuffer header = ByteBuffer.allocate(1 + 4 * capacities.length);
            header.put((byte) (zero.present() ? 1 : 0));
            header.asIntBuffer().put(capacities);
            header.clear();
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                long at = 8;  // past the magic and the bits
                while (header.hasRemaining()) {
                    at += channel.write(header, at);
                }
            }
            if (zero.present()) {
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

    /** The fewest hash bits that split {@code ids} into parts of at most {@code perPart}. */
    private static int bitsFor(long ids, int perPart) {
        int bits = 0;
        while ((ids >> bits) > perPart) {
            bits++;
        }
        return bits;
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
        int capacity = capacities[p];
        int slot = home(hash, capacity);
        try {
            while (true) {
                int n = Math.min(PROBE_SLOTS, capacity - slot);
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
                slot = slot + n == capacity ? 0 : slot + n;
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

    /**
     * The slot where a key's probe starts, from the hash's low half: any capacity, not only powers of two, so that
     * every table is as full as the load factor allows and the file no larger than it must be.
     */
    private static int home(long hash, int capacity) {
        return (int) (((hash & 0xFFFFFFFFL) * capacity) >>> 32);
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
     * The keys of one part, spread over the parts below it by the next {@code bits} bits of their hash: four longs a
     * key, in arrays that grow as keys come.
     */
    private static final class Spread implements KeyVisitor {
        private final long[][] keys;
        private final int[] fill;
        private final int allBits;
        private final int mask;
        private final long limit;
        private long count;

        /**
         * @param bits     the bits that tell the parts of this one apart
         * @param allBits  the index's bits in all, these included
         * @param expected about how many keys this part gets
         * @param limit    how many it may get before the index holds more than its expected count
         */
        Spread(int bits, int allBits, long expected, long limit) {
            this.keys = new long[1 << bits][];
            this.fill = new int[1 << bits];
            this.allBits = allBits;
            this.mask = (1 << bits) - 1;
            this.limit = limit;
            int each = (int) ((expected >> bits) + (expected >> bits >> 3) + 16);
            for (int s = 0; s < keys.length; s++) {
                keys[s] = new long[each * 4];
            }
        }

        @Override
        public void key(long high, long low, long offset, long index) {
            if (++count > limit) {
                throw new IllegalStateException("more ids than the expected count given to the id index");
            }
            int s = partition(hash(high, low), allBits) & mask;  // the lowest of the index's bits pick the part
            long[] part = keys[s];
            int at = fill[s];
            if (at == part.length) {
                part = keys[s] = Arrays.copyOf(part, part.length + (part.length >> 1));
            }
            part[at] = high;
            part[at + 1] = low;
            part[at + 2] = offset;
            part[at + 3] = index;
            fill[s] = at + 4;
        }
    }

    /**
     * One part's open-addressing table: in one array each slot's key, as the file holds it (all zero for an empty
     * slot), in another the (offset, index) of the copy kept. The all-zero key is kept apart. One table serves every
     * part in turn.
     */
    private static final class Table {
        private long[] keys = new long[0];
        private long[] copies = new long[0];
        private int capacity;
        private final Drops drops;
        private final Zero zero;

        /** The copy kept of the all-zero key, shared by every part's table. */
        static final class Zero {
            /** No copy seen yet. */
            private static final long EMPTY = -1;
            private long offset = EMPTY;
            private long index = EMPTY;

            boolean present() {
                return index != EMPTY;
            }
        }

        Table(Drops drops, Zero zero) {
            this.drops = drops;
            this.zero = zero;
        }

        /** Slots enough for {@code ids} at the load factor, and at least one empty slot. */
        static int capacityFor(long ids) {
            long capacity = Math.max(16, (long) (ids / LOAD) + 1);
            if (capacity > 1 << 28) {
                throw new IllegalStateException(ids + " ids are too many for one table of an id index");
            }
            return (int) capacity;
        }

        /** Empties the table to {@code capacity} slots, puts the keys of {@code spread[0, fill)}; how many are new. */
        long build(int capacity, long[] spread, int fill) {
            this.capacity = capacity;
            if (keys.length < capacity * 2) {
                keys = new long[capacity * 2];
                copies = new long[capacity * 2];
            } else {
                Arrays.fill(keys, 0, capacity * 2, 0);
            }
            long size = 0;
            for (int k = 0; k < fill; k += 4) {
                size += put(spread[k], spread[k + 1], spread[k + 2], spread[k + 3]);
            }
            return size;
        }

        /** Keeps the lowest (offset, index) copy of each key, and adds every other copy to the drops; 1 if new. */
        private int put(long high, long low, long offset, long index) {
            if (high == 0 && low == 0) {
                if (!zero.present()) {
                    zero.offset = offset;
                    zero.index = index;
                } else {
                    zero.index = keepLowest(zero.offset, zero.index, offset, index);
                    zero.offset = Math.min(zero.offset, offset);
                }
                return 0;
            }
            int at = home(hash(high, low), capacity) * 2;
            while ((keys[at] != 0 || keys[at + 1] != 0) && (keys[at] != high || keys[at + 1] != low)) {
                at = at + 2 == capacity * 2 ? 0 : at + 2;
            }
            if (keys[at] == 0 && keys[at + 1] == 0) {
                keys[at] = high;
                keys[at + 1] = low;
                copies[at] = offset;
                copies[at + 1] = index;
                return 1;
            }
            copies[at + 1] = keepLowest(copies[at], copies[at + 1], offset, index);
            copies[at] = Math.min(copies[at], offset);
            return 0;
        }

        /** The index of the copy to keep of two; the other one is dropped. */
        private long keepLowest(long keptOffset, long keptIndex, long offset, long index) {
            boolean lower = offset < keptOffset || (offset == keptOffset && index < keptIndex);
            drops.add(lower ? keptIndex : index);
            return lower ? index : keptIndex;
        }

        /**
         * Writes the keys as they lie, big-endian as the index is read, through {@code chunk} in bulk copies: a loop
         * over the slots ran in the JIT's slow tiers, as a seal's code runs too seldom to be compiled fully.
         */
        void writeKeys(OutputStream out, byte[] chunk) throws IOException {
            LongBuffer longs = ByteBuffer.wrap(chunk).asLongBuffer();
            for (int at = 0; at < capacity * 2; at += longs.position()) {
                longs.clear();
                longs.put(keys, at, Math.min(longs.capacity(), capacity * 2 - at));
                out.write(chunk, 0, longs.position() * 8);
            }
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
