package io.hourglass.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.core.MemoryBudget;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
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
