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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * <p>Records wait in memory until their block is full, in chunks of the writer's {@link BlockMemory}, where the stage
 * has reserved a block. Not durable, like the spill file: after a crash the writer rebuilds staging from Kafka.
 */
final class SpillBlocks implements Closeable {
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
    /** The records of the block that is filling, one after another across chunks of the writer's pool. */
    private final List<byte[]> chunks = new ArrayList<>();
    /** Uncompressed bytes of a block: this stage's reservation in the writer's memory. */
    private final int blockBytes;
    /** Whether this still holds its reservation in the writer's memory. */
    private boolean reserved = true;
    private int size;
    private int count;

    /** Blocks at {@code path}, for a stage that has reserved blocks of {@code blockBytes} in {@code memory}. */
    SpillBlocks(Path path, BlockMemory memory, int blockBytes) {
        this.path = path;
        this.memory = memory;
        this.blockBytes = blockBytes;
        UUID marker = UUID.randomUUID();
        ByteBuffer.wrap(sync).putLong(marker.getMostSignificantBits()).putLong(marker.getLeastSignificantBits());
    }

    /** The sync marker that ends every block: the final file's header must carry it. */
    byte[] sync() {
        return sync.clone();
    }

    void add(byte[] record) throws IOException {
        if (size > 0 && size + record.length > blockBytes) {
            endBlock();
        }
        while ((long) chunks.size() * BlockMemory.CHUNK < size + record.length) {
            chunks.add(memory.chunk());
        }
        int copied = 0;
        while (copied < record.length) {
            int at = size % BlockMemory.CHUNK;
            int n = Math.min(record.length - copied, BlockMemory.CHUNK - at);
            System.arraycopy(record, copied, chunks.get(size / BlockMemory.CHUNK), at, n);
            copied += n;
            size += n;
        }
        count++;
    }

    /** Compresses and writes the records that wait in memory, if any, as a block, and gives its chunks back. */
    void endBlock() throws IOException {
        if (count == 0) {
            return;
        }
        if (out == null) {
            out = new BufferedOutputStream(Files.newOutputStream(path), HEAD_BUFFER);
        }
        memory.compressTo(chunks, size, (bytes, offset, length) -> {
            int at = BinaryData.encodeLong(count, head, 0);
            at += BinaryData.encodeLong(length, head, at);
            out.write(head, 0, at);
            out.write(bytes, offset, length);
            out.write(sync);
        });
        chunks.forEach(memory::give);
        chunks.clear();
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
            long half = fileBytes() / 2;
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

    private long fileBytes() throws SpillFile.Unreadable {
        try {
            return out == null ? 0 : Files.size(path);
        } catch (IOException e) {
            throw new SpillFile.Unreadable(path, e);
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

    /** Gives the chunks and the reservation back, closes and deletes the file. */
    @Override
    public void close() throws IOException {
        chunks.forEach(memory::give);
        chunks.clear();
        size = 0;
        count = 0;
        if (reserved) {
            reserved = false;
            memory.release(blockBytes);
        }
        try {
            if (out != null) {
                out.close();
            }
        } finally {
            Files.deleteIfExists(path);
        }
    }
}
