package io.hourglass.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.Zstd;
import io.hourglass.core.ContentEncoding;
import io.hourglass.core.MemoryBudget;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RequestBuffersTest {

    @Test
    void readsABodyLargerThanTheFirstBufferInSmallReads() throws IOException {
        byte[] body = randomBytes(300_000, 1);
        RequestBuffers.Set set = new RequestBuffers(2, unlimited()).take();

        int size = set.read(trickle(body, 777), 1_000_000);

        assertThat(size).isEqualTo(body.length);
        assertThat(Arrays.copyOf(set.body(), size)).isEqualTo(body);
        assertThat(set.bodyLength()).isEqualTo(size);
    }

    @Test
    void aZstdBodyReadsTheSameWhetherItsFrameSaysItsSizeOrNot() throws IOException {
        byte[] text = textBytes(1_500_000, 4);
        MemoryBudget memory = new MemoryBudget(64L << 20);
        RequestBuffers buffers = new RequestBuffers(1, memory);
        byte[] sized = Zstd.compress(text, 1);
        assertThat(Zstd.getFrameContentSize(sized)).isEqualTo(text.length);
        byte[] streamed = streamed(text);
        assertThat(Zstd.getFrameContentSize(streamed)).isNegative();
        byte[] twoFrames = concat(Zstd.compress(Arrays.copyOf(text, 1000), 1),
                Zstd.compress(Arrays.copyOfRange(text, 1000, text.length), 1));
        for (byte[] body : List.of(sized, streamed, twoFrames)) {
            RequestBuffers.Set set = buffers.take();
            int size = set.readZstd(trickle(body, 5000), 2_000_000);
            assertThat(size).isEqualTo(text.length).isEqualTo(set.bodyLength());
            assertThat(Arrays.copyOf(set.body(), size)).isEqualTo(text);
            assertThat(memory.reserved()).as("the body twice, and the compressed bytes once")
                    .isGreaterThanOrEqualTo(2L * text.length + body.length);
            buffers.release(set);
            assertThat(memory.reserved()).isZero();
        }
    }

    @Test
    void aZstdBodyPastTheLimitIsNotDecompressedAndADamagedOneIsAnError() throws IOException {
        byte[] text = textBytes(300_000, 5);
        RequestBuffers.Set set = new RequestBuffers(1, unlimited()).take();
        assertThat(set.readZstd(new ByteArrayInputStream(Zstd.compress(text, 1)), 100_000)).isEqualTo(100_001);
        assertThat(set.readZstd(new ByteArrayInputStream(streamed(text)), 100_000)).isEqualTo(100_001);
        byte[] random = randomBytes(200_000, 6);
        assertThat(set.readZstd(new ByteArrayInputStream(Zstd.compress(random, 1)), 100_000))
                .as("compressed bytes past the limit").isEqualTo(100_001);

        byte[] sized = Zstd.compress(text, 1);
        for (byte[] cut : List.of(Arrays.copyOf(sized, sized.length / 2), Arrays.copyOf(streamed(text), 1000))) {
            assertThatThrownBy(() -> set.readZstd(new ByteArrayInputStream(cut), 1_000_000))
                    .as("a frame cut short").isInstanceOf(IOException.class);
        }
        assertThatThrownBy(() -> set.readZstd(new ByteArrayInputStream(randomBytes(5000, 7)), 1_000_000))
                .isInstanceOf(IOException.class);
    }

    @Test
    void aZstdFrameThatDeclaresTheWrongSizeIsAnError() throws IOException {
        byte[] text = textBytes(300_000, 8);
        RequestBuffers.Set set = new RequestBuffers(1, unlimited()).take();
        for (int lie : new int[] {-1000, 1000}) {
            byte[] frame = Zstd.compress(text, 1);
            // The frame header: magic (4 bytes), descriptor, then the content size, 4 bytes little-endian here.
            int descriptor = frame[4] & 0xFF;
            assertThat(descriptor >> 6).as("a 4-byte content size").isEqualTo(2);
            int at = 5 + ((descriptor & 0x20) == 0 ? 1 : 0) + new int[] {0, 1, 2, 4}[descriptor & 3];
            ByteBuffer.wrap(frame, at, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(text.length + lie);
            assertThat(Zstd.getFrameContentSize(frame)).isEqualTo(text.length + lie);

            assertThatThrownBy(() -> set.readZstd(new ByteArrayInputStream(frame), 1_000_000))
                    .as("declares %d bytes more than it holds", lie).isInstanceOf(IOException.class)
                    .hasMessageContaining("declares " + (text.length + lie));
        }
    }

    @Test
    void stopsOneBytePastTheLimit() throws IOException {
        byte[] body = randomBytes(200_000, 2);
        RequestBuffers.Set set = new RequestBuffers(2, unlimited()).take();

        assertThat(set.read(new ByteArrayInputStream(body), 100_000)).isEqualTo(100_001);
        assertThat(set.read(new ByteArrayInputStream(body), 200_000)).isEqualTo(200_000);
        assertThat(set.read(new ByteArrayInputStream(new byte[0]), 10)).isZero();
    }

    @Test
    void aReleasedSetIsTakenAgainWithItsRecordsEmpty() throws IOException {
        RequestBuffers buffers = new RequestBuffers(1, unlimited());
        RequestBuffers.Set set = buffers.take();
        set.read(new ByteArrayInputStream(randomBytes(500_000, 3)), 1_000_000);
        set.records.write(new byte[10]);
        buffers.release(set);

        RequestBuffers.Set again = buffers.take();

        assertThat(again).isSameAs(set);
        assertThat(again.records.size()).isZero();
        assertThat(buffers.take()).isNotSameAs(set);  // only one was kept
    }

    @Test
    void keepsNoMoreSetsThanItsCapacityAndNoneGrownPastTheKeepLimit() throws IOException {
        RequestBuffers buffers = new RequestBuffers(1, unlimited());
        RequestBuffers.Set big = buffers.take();
        big.read(new ByteArrayInputStream(new byte[RequestBuffers.KEEP_MAX_BYTES + 1]), Integer.MAX_VALUE);
        buffers.release(big);
        assertThat(buffers.take()).isNotSameAs(big);

        RequestBuffers.Set first = buffers.take();
        RequestBuffers.Set second = buffers.take();
        buffers.release(first);
        buffers.release(second);
        assertThat(buffers.take()).isSameAs(first);
        assertThat(buffers.take()).isNotSameAs(second);
    }

    @Test
    void aBatchReservesTwiceItsBodyAsItIsReadAndGivesItBackWhenReleased() throws IOException {
        MemoryBudget memory = new MemoryBudget(100L << 20);
        RequestBuffers buffers = new RequestBuffers(2, memory);
        RequestBuffers.Set set = buffers.take();
        assertThat(memory.reserved()).isZero();

        set.read(trickle(randomBytes(1_000_000, 4), 5000), 16 << 20);

        assertThat(memory.reserved()).isBetween(2 * 1_000_000L, 2 * (1_000_000L + RequestBuffers.RESERVE_STEP));
        buffers.release(set);
        assertThat(memory.reserved()).isZero();
    }

    @Test
    void aBodyTheBudgetCannotCoverIsRefusedWithoutPassingItAndOthersGoOnOnceItIsReleased() throws IOException {
        MemoryBudget memory = new MemoryBudget(4L << 20);
        RequestBuffers buffers = new RequestBuffers(2, memory);
        RequestBuffers.Set first = buffers.take();
        first.read(new ByteArrayInputStream(randomBytes(1_500_000, 5)), 16 << 20);
        long heldByFirst = memory.reserved();

        RequestBuffers.Set second = buffers.take();
        assertThatThrownBy(() -> second.read(new ByteArrayInputStream(randomBytes(1_500_000, 6)), 16 << 20))
                .isInstanceOf(RequestBuffers.OutOfRequestMemoryException.class)
                .hasMessageContaining("of " + (4L << 20) + " bytes of request memory");
        assertThat(memory.reserved()).isLessThanOrEqualTo(memory.bytes()).isGreaterThan(heldByFirst);
        buffers.release(second);
        assertThat(memory.reserved()).isEqualTo(heldByFirst);

        buffers.release(first);
        RequestBuffers.Set third = buffers.take();
        byte[] body = randomBytes(1_500_000, 7);
        assertThat(third.read(new ByteArrayInputStream(body), 16 << 20)).isEqualTo(body.length);
        assertThat(Arrays.copyOf(third.body(), body.length)).isEqualTo(body);
    }

    @Test
    void theLargestBodyAllowedFitsABudgetOfTwiceItAndOneByteMoreIsStillToldApart() throws IOException {
        int limit = 1_000_000;
        MemoryBudget memory = new MemoryBudget(2L * limit);
        RequestBuffers buffers = new RequestBuffers(1, memory);

        RequestBuffers.Set set = buffers.take();
        assertThat(set.read(new ByteArrayInputStream(new byte[limit]), limit)).isEqualTo(limit);
        buffers.release(set);
        RequestBuffers.Set again = buffers.take();
        assertThat(again.read(new ByteArrayInputStream(new byte[limit + 5]), limit)).isEqualTo(limit + 1);
        assertThat(memory.reserved()).isEqualTo(2L * limit);
    }

    /** Text like a batch's event lines: compresses as they do. */
    private static byte[] textBytes(int n, long seed) {
        Random random = new Random(seed);
        StringBuilder s = new StringBuilder(n + 100);
        while (s.length() < n) {
            s.append("{\"id\":\"").append(Long.toHexString(random.nextLong())).append("\",\"value\":")
                    .append(random.nextInt(1_000_000)).append("}\n");
        }
        return Arrays.copyOf(s.toString().getBytes(StandardCharsets.US_ASCII), n);
    }

    /** As a stream writes it: a frame that does not say its size. */
    private static byte[] streamed(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream z = ContentEncoding.ZSTD.compress(out)) {
            z.write(bytes);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static MemoryBudget unlimited() {
        return new MemoryBudget(Long.MAX_VALUE / 4);
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A stream that gives at most {@code chunk} bytes a read, as a decompressing stream does. */
    private static InputStream trickle(byte[] bytes, int chunk) {
        return new FilterInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
    }
}
