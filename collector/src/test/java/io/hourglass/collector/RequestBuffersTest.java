package io.hourglass.collector;

import static org.assertj.core.api.Assertions.assertThat;

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
        RequestBuffers.Set set = new RequestBuffers(2).take();

        int size = set.read(trickle(body, 777), 1_000_000);

        assertThat(size).isEqualTo(body.length);
        assertThat(Arrays.copyOf(set.body(), size)).isEqualTo(body);
        assertThat(set.bodyLength()).isEqualTo(size);
    }

    @Test
    void stopsOneBytePastTheLimit() throws IOException {
        byte[] body = randomBytes(200_000, 2);
        RequestBuffers.Set set = new RequestBuffers(2).take();

        assertThat(set.read(new ByteArrayInputStream(body), 100_000)).isEqualTo(100_001);
        assertThat(set.read(new ByteArrayInputStream(body), 200_000)).isEqualTo(200_000);
        assertThat(set.read(new ByteArrayInputStream(new byte[0]), 10)).isZero();
    }

    @Test
    void aReleasedSetIsTakenAgainWithItsRecordsEmpty() throws IOException {
        RequestBuffers buffers = new RequestBuffers(1);
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
        RequestBuffers buffers = new RequestBuffers(1);
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
