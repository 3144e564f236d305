package io.hourglass.writer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;
import org.apache.avro.file.Codec;
import org.apache.avro.io.BinaryData;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * A stage's lake records, compressed as they arrive into the blocks of an Avro data file: its codec, its sync marker,
 * no header. When a seal takes in every record as it was staged, the final file is a header and these bytes, copied;
 * otherwise they are read back one by one, split by the lengths their frames in the {@link SpillFile} keep.
 *
 * <p>Records wait in memory until their block is full, within the writer's {@link BlockMemory}. Not durable, like the
 * spill file: after a crash the writer rebuilds staging from Kafka.
 */
final class SpillBlocks implements Closeable {
    private static final int FIRST_BUFFER = 16 * 1024;
    private static final int READ_BUFFER = 64 * 1024;
    /** Gathers a block's head and sync marker; its bytes, larger, go straight through. */
    private static final int HEAD_BUFFER = 8 * 1024;
    /** Larger than any block this class writes: a larger size can only mean a damaged file. */
    private static final int MAX_BLOCK = 1 << 30;
    private final Path path;
    private final BlockMemory memory;
    private final byte[] sync = new byte[16];
    private final byte[] head = new byte[20];
    private OutputStream out;
    private byte[] block = new byte[0];
    private int size;
    private int count;

    SpillBlocks(Path path, BlockMemory memory) {
        this.path = path;
        this.memory = memory;
        UUID marker = UUID.randomUUID();
        ByteBuffer.wrap(sync).putLong(marker.getMostSignificantBits()).putLong(marker.getLeastSignificantBits());
    }

    /** The sync marker that ends every block: the final file's header must carry it. */
    byte[] sync() {
        return sync.clone();
    }

    void add(byte[] record) throws IOException {
        makeRoom(record.length);
        System.arraycopy(record, 0, block, size, record.length);
        size += record.length;
        count++;
    }

    /** Makes room for a record: ends a full block, grows the buffer within the budget, or else ends a smaller block. */
    private void makeRoom(int length) throws IOException {
        if (size > 0 && size + length > memory.blockBytes()) {
            endBlock();
        }
        int needed = size + length;
        if (needed <= block.length) {
            return;
        }
        int capacity = Math.max(needed, Math.min(memory.blockBytes(), Math.max(FIRST_BUFFER, 2 * block.length)));
        if (!memory.take(capacity - block.length)) {
            if (size > 0) {
                endBlock();
                if (length <= block.length) {
                    return;
                }
            }
            capacity = length;
            memory.takeAnyway(capacity - block.length);
        }
        block = Arrays.copyOf(block, capacity);
    }

    /** Compresses and writes the records that wait in memory, if any, as a block. */
    void endBlock() throws IOException {
        if (count == 0) {
            return;
        }
        if (out == null) {
            out = new BufferedOutputStream(Files.newOutputStream(path), HEAD_BUFFER);
        }
        memory.compressTo(block, size, (bytes, offset, length) -> {
            int at = BinaryData.encodeLong(count, head, 0);
            at += BinaryData.encodeLong(length, head, at);
            out.write(head, 0, at);
            out.write(bytes, offset, length);
            out.write(sync);
        });
        size = 0;
        count = 0;
    }

    /**
     * Ends the last block and copies every block to {@code target}; {@code halfway} runs after about half of them.
     * A failure of the staging disk is {@link SpillFile.Unreadable}; one of {@code target} passes through as it is.
     */
    void copyTo(OutputStream target, Runnable halfway) throws IOException {
        try (InputStream in = readable()) {
            byte[] buffer = new byte[READ_BUFFER];
            long half = out == null ? 0 : Files.size(path) / 2;
            long copied = 0;
            boolean passed = false;
            while (true) {
                if (!passed && copied >= half) {
                    target.flush();
                    halfway.run();
                    passed = true;
                }
                int n = read(in, buffer);
                if (n < 0) {
                    return;
                }
                target.write(buffer, 0, n);
                copied += n;
            }
        }
    }

    private int read(InputStream in, byte[] buffer) throws SpillFile.Unreadable {
        try {
            return in.read(buffer);
        } catch (IOException e) {
            throw new SpillFile.Unreadable(path, e);
        }
    }

    /** The blocks' bytes, the last block ended first. */
    private InputStream readable() throws SpillFile.Unreadable {
        try {
            endBlock();
            if (out == null) {
                return InputStream.nullInputStream();
            }
            out.flush();
            return Files.newInputStream(path);
        } catch (IOException e) {
            throw new SpillFile.Unreadable(path, e);
        }
    }

    /** Reads the records back in the order they were added. */
    Reader reader() throws SpillFile.Unreadable {
        return new Reader(new BufferedInputStream(readable(), READ_BUFFER));
    }

    /** Records in the order they were added, each asked for by its length. */
    final class Reader implements Closeable {
        private final InputStream in;
        private final Codec codec = memory.newCodec();
        private BinaryDecoder decoder;
        private ByteBuffer current = ByteBuffer.allocate(0);
        private long left;

        private Reader(InputStream in) {
            this.in = in;
        }

        /** The next record, of {@code length} bytes. */
        byte[] next(int length) throws IOException {
            if (left == 0) {
                readBlock();
            }
            if (length < 0 || length > current.remaining()) {
                throw new IOException("a record of " + length + " bytes runs past its block's "
                        + current.remaining());
            }
            byte[] record = new byte[length];
            current.get(record);
            left--;
            return record;
        }

        private void readBlock() throws IOException {
            if (current.hasRemaining()) {
                throw new IOException("a block holds " + current.remaining() + " bytes beyond its records");
            }
            decoder = DecoderFactory.get().directBinaryDecoder(in, decoder);
            long records;
            long bytes;
            try {
                records = decoder.readLong();
                bytes = decoder.readLong();
            } catch (EOFException e) {
                throw new EOFException("the blocks end before their records do");
            }
            if (records < 1 || bytes < 0 || bytes > MAX_BLOCK) {
                throw new IOException("damaged block head: " + records + " records in " + bytes + " bytes");
            }
            byte[] compressed = new byte[(int) bytes];
            decoder.readFixed(compressed);
            byte[] marker = new byte[sync.length];
            decoder.readFixed(marker);
            if (!Arrays.equals(marker, sync)) {
                throw new IOException("damaged block: its sync marker is not the file's");
            }
            current = codec.decompress(ByteBuffer.wrap(compressed));
            left = records;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Gives the buffer's memory back, closes and deletes the file. */
    @Override
    public void close() throws IOException {
        memory.give(block.length);
        block = new byte[0];
        try {
            if (out != null) {
                out.close();
            }
        } finally {
            Files.deleteIfExists(path);
        }
    }
}
