package io.hourglass.writer;

import io.hourglass.core.avro.AvroCursor;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.avro.io.BinaryData;

/**
 * A stage's events on local disk, appended as they arrive and read back when the stage is finalized. It is not
 * durable (no fsync): after a crash the writer rebuilds staging from Kafka.
 *
 * <p>Each event is one frame: its length, the 128 bits of its id ({@link IdOffsets#key}), a byte of flags (late,
 * {@link Form}, where its bytes are, whether its host is the last frame's), its offset less the last frame's, its
 * schema version, the length of its bytes in the blocks, its host and the event's bytes. The numbers after the id are
 * varints as Avro writes them, so the frame of an event in the blocks takes about 25 bytes. A host's events come in
 * runs, so a frame names its host only when it is not the last frame's. The bytes of a lake record in the final file's
 * form go to the stage's {@link SpillBlocks} instead, compressed, and its frame keeps their length; other bytes end
 * the frame. Frames are written and read in blocks, so an event costs no system call of its own. A frame's index is
 * its place in the file, counted from 0.
 */
final class SpillFile implements Closeable {
    /** Every open stage holds a write buffer (hundreds with many partitions); a read buffer exists while finalizing. */
    private static final int WRITE_BUFFER = 64 * 1024;
    private static final int READ_BUFFER = 256 * 1024;
    /** The frame's length, id key and flags, then at most: offset, version, length in the blocks and host length. */
    private static final int MAX_HEAD = 4 + 16 + 1 + 10 + 5 + 5 + 5;
    /** The least a frame holds after its length: the id key, then flags, offset and version of a byte each. */
    private static final int MIN_FRAME = 16 + 1 + 1 + 1;
    private static final int LATE = 1;
    /** The flags' bits of the {@link Form}. */
    private static final int FORM_SHIFT = 1;
    private static final int FORM_BITS = 3 << FORM_SHIFT;
    /** The event's bytes are in the blocks, not at the end of its frame. */
    private static final int IN_BLOCKS = 8;
    /** The frame's host is the last frame's, whose name it then leaves out. */
    private static final int SAME_HOST = 16;
    private static final int KNOWN_FLAGS = LATE | FORM_BITS | IN_BLOCKS | SAME_HOST;
    private static final byte[] NO_BYTES = new byte[0];
    /** Larger than any event a collector accepts, so a bigger length can only mean a damaged file. */
    private static final int MAX_RECORD = 64 * 1024 * 1024;
    private static final Form[] FORMS = Form.values();
    private final Path path;
    private final OutputStream out;
    private final SpillBlocks blocks;
    /** A frame up to its host, put together before it is written. */
    private final byte[] head = new byte[MAX_HEAD];
    private final ByteBuffer headBuffer = ByteBuffer.wrap(head);
    /** The host of the last frame written; null before the first. */
    private String lastHost;
    /** The offset of the last frame written, 0 before the first. */
    private long lastOffset;

    /** What an event's bytes are. */
    enum Form {
        /** The event's JSON, as collectors before format 2 wrote it into Kafka. */
        JSON,
        /** Its lake record in Avro, the payload not yet checked against its schema (unknown when it was staged). */
        AVRO,
        /** Its lake record in Avro, the payload checked against its schema when it was staged. */
        AVRO_CHECKED
    }

    /**
     * One spilled event: its frame's index, its Kafka offset, whether it is late, its form, its schema version, its
     * host, its bytes.
     */
    record Spilled(long index, long offset, boolean late, Form form, int version, String host, byte[] raw) {
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

    /** A spill file at {@code path}, with blocks beside it if {@code memory} has a reservation for them. */
    SpillFile(Path path, BlockMemory memory) throws IOException {
        this.path = path;
        Files.createDirectories(path.getParent());
        this.out = new BufferedOutputStream(Files.newOutputStream(path), WRITE_BUFFER);
        int blockBytes = memory.reserve();
        this.blocks = blockBytes > 0
                ? new SpillBlocks(path.resolveSibling(path.getFileName() + ".blocks"), memory, blockBytes) : null;
    }

    /** Whether events can be appended {@code inBlocks}. */
    boolean hasBlocks() {
        return blocks != null;
    }

    /**
     * Appends an event; {@code inBlocks} puts its bytes in the blocks (only lake records of the final file's form and
     * version belong there, and only when {@link #hasBlocks}).
     */
    void append(long offset, boolean late, Form form, int version, long[] idKey, String host, byte[] raw,
                boolean inBlocks) throws IOException {
        boolean sameHost = host.equals(lastHost);
        byte[] hostBytes = sameHost ? NO_BYTES : host.getBytes(StandardCharsets.UTF_8);
        int at = 4;  // after the frame's length, put last
        headBuffer.putLong(at, idKey[0]).putLong(at + 8, idKey[1]);
        at += 16;
        head[at++] = (byte) ((late ? LATE : 0) | form.ordinal() << FORM_SHIFT | (inBlocks ? IN_BLOCKS : 0)
                | (sameHost ? SAME_HOST : 0));
        at += BinaryData.encodeLong(offset - lastOffset, head, at);
        at += BinaryData.encodeInt(version, head, at);
        if (inBlocks) {
            at += BinaryData.encodeInt(raw.length, head, at);
        }
        if (!sameHost) {
            at += BinaryData.encodeInt(hostBytes.length, head, at);
        }
        long frame = at - 4L + hostBytes.length + (inBlocks ? 0 : raw.length);
        if (frame > MAX_RECORD || raw.length > MAX_RECORD) {
            throw new IOException("an event of " + raw.length + " bytes from a host of " + hostBytes.length
                    + " is too large to stage");
        }
        headBuffer.putInt(0, (int) frame);
        if (inBlocks) {
            blocks.add(raw);
        }
        out.write(head, 0, at);
        out.write(hostBytes);
        if (!inBlocks) {
            out.write(raw);
        }
        lastHost = host;
        lastOffset = offset;
    }

    /** The sync marker of the blocks, which the final file's header must carry. */
    byte[] sync() {
        return blocks.sync();
    }

    /** Copies the blocks to {@code target}; see {@link SpillBlocks#copyTo}. */
    void copyBlocksTo(OutputStream target, Runnable halfway) throws IOException {
        blocks.copyTo(target, halfway);
    }

    /**
     * Reads every event back; with {@code withBytes} false, {@link Spilled#raw} is null and the bytes are skipped.
     * Failures to read the file are {@link Unreadable}; the visitor's own exceptions pass through as they are.
     */
    void read(boolean withBytes, Visitor visitor) throws IOException {
        try (Frames frames = frames()) {
            Spilled next;
            while ((next = frames.next(withBytes)) != null) {
                visitor.visit(next);
            }
        }
    }

    /** Sends the id key, offset and index of every event, reading nothing else of them. */
    void readKeys(IdIndex.KeyVisitor visitor) throws IOException {
        try (Frames frames = frames()) {
            while (frames.nextKey(visitor)) {
                // each key went to the visitor
            }
        }
    }

    private Frames frames() throws Unreadable {
        try {
            out.flush();
            return new Frames(FileChannel.open(path, StandardOpenOption.READ));
        } catch (IOException e) {
            throw new Unreadable(path, e);
        }
    }

    /** Frames from a channel through one reusable buffer, grown only for a frame larger than it. */
    private final class Frames implements Closeable {
        private final FileChannel in;
        private ByteBuffer buffer = ByteBuffer.allocate(READ_BUFFER).flip();
        /** Opened at the first frame whose bytes are asked for and are in the blocks. */
        private SpillBlocks.Reader inBlocks;

        Frames(FileChannel in) {
            this.in = in;
        }

        /** The fields of the frame last read. */
        private long index = -1;
        private long offset;
        private boolean late;
        private int form;
        private int version;
        private long high;
        private long low;
        private int blockLength;
        private int hostLength;
        /** Whether the frame last read left its host out, as the one before it had the same. */
        private boolean sameHost;
        private String lastHost = "";

        Spilled next(boolean withBytes) throws Unreadable {
            try {
                int end = nextFrame();
                if (end < 0) {
                    return null;
                }
                String host = host();
                buffer.position(buffer.position() + hostLength);
                byte[] raw = null;
                if (withBytes && blockLength >= 0) {
                    if (inBlocks == null) {
                        inBlocks = blocks.reader();
                    }
                    raw = inBlocks.next(blockLength);
                } else if (withBytes) {
                    raw = new byte[end - buffer.position()];
                    buffer.get(raw);
                }
                buffer.position(end);
                return new Spilled(index, offset, late, FORMS[form], version, host, raw);
            } catch (IOException e) {
                throw new Unreadable(path, e);
            }
        }

        /** The frame's host: the last frame's string if it left its host out; a frame names only a new one. */
        private String host() {
            if (!sameHost) {
                lastHost = new String(buffer.array(), buffer.position(), hostLength, StandardCharsets.UTF_8);
            }
            return lastHost;
        }

        /** Sends the next frame's key to the visitor; false at the end of the file. */
        boolean nextKey(IdIndex.KeyVisitor visitor) throws IOException {
            try {
                int end = nextFrame();
                if (end < 0) {
                    return false;
                }
                buffer.position(end);
            } catch (IOException e) {
                throw new Unreadable(path, e);
            }
            visitor.key(high, low, offset, index);
            return true;
        }

        /** Reads a frame up to its host; returns where the frame ends in the buffer, or -1 at the end of the file. */
        private int nextFrame() throws IOException {
            if (!fill(4)) {
                if (buffer.hasRemaining()) {
                    throw new EOFException("a frame's length is cut short");
                }
                return -1;
            }
            int frame = buffer.getInt();
            if (frame < MIN_FRAME || frame > MAX_RECORD) {
                throw new IOException("damaged record length " + frame);
            }
            if (!fill(frame)) {
                throw new EOFException("a frame of " + frame + " bytes is cut short");
            }
            int end = buffer.position() + frame;
            index++;
            high = buffer.getLong();
            low = buffer.getLong();
            AvroCursor fields = new AvroCursor(buffer.array(), buffer.position());
            int flags = fields.next() & 0xFF;
            if ((flags & ~KNOWN_FLAGS) != 0) {
                throw new IOException("damaged flags " + flags);
            }
            form = (flags & FORM_BITS) >> FORM_SHIFT;
            if (form >= FORMS.length) {
                throw new IOException("damaged form " + form);
            }
            late = (flags & LATE) != 0;
            offset += varint(fields, end);
            version = intVarint(fields, end);
            blockLength = (flags & IN_BLOCKS) == 0 ? -1 : length(fields, end, "in the blocks");
            if (blockLength >= 0 && blocks == null) {
                throw new IOException("a frame's bytes are in blocks, and there are none");
            }
            sameHost = (flags & SAME_HOST) != 0;
            if (sameHost && index == 0) {
                throw new IOException("damaged frame: it leaves out its host, and no frame before it named one");
            }
            hostLength = sameHost ? 0 : length(fields, end, "for a host");
            if (hostLength > end - fields.position()) {
                throw new IOException("damaged record length " + hostLength + " for a host");
            }
            buffer.position(fields.position());
            return end;
        }

        /** Makes {@code n} bytes available; false at the end of the file before that. */
        private boolean fill(int n) throws IOException {
            if (buffer.remaining() >= n) {
                return true;
            }
            if (buffer.capacity() < n) {
                buffer = ByteBuffer.allocate(n).put(buffer).flip();
            }
            buffer.compact();
            while (buffer.position() < n) {
                if (in.read(buffer) < 0) {
                    break;
                }
            }
            buffer.flip();
            return buffer.remaining() >= n;
        }

        @Override
        public void close() throws IOException {
            try (Closeable blocksRead = inBlocks) {
                in.close();
            }
        }
    }

    /** The next varint of a frame that ends at {@code end}. */
    private static long varint(AvroCursor fields, int end) throws IOException {
        long n;
        try {
            n = fields.varint();
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new IOException("damaged frame: " + e.getMessage(), e);
        }
        if (fields.position() > end) {
            throw new IOException("damaged frame: its numbers run past its end");
        }
        return n;
    }

    private static int intVarint(AvroCursor fields, int end) throws IOException {
        long n = varint(fields, end);
        if (n != (int) n) {
            throw new IOException("damaged frame: a number of " + n + " where an int belongs");
        }
        return (int) n;
    }

    private static int length(AvroCursor fields, int end, String what) throws IOException {
        int n = intVarint(fields, end);
        if (n < 0 || n > MAX_RECORD) {
            throw new IOException("damaged record length " + n + " " + what);
        }
        return n;
    }

    /** Closes and deletes the file and its blocks. */
    @Override
    public void close() throws IOException {
        try (Closeable closingBlocks = blocks) {
            out.close();
        } finally {
            Files.deleteIfExists(path);
        }
    }
}
