package io.hourglass.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BodyCompressorTest {

    @ParameterizedTest
    @EnumSource(ContentEncoding.class)
    void bodiesCompressedOneAfterAnotherEachReadBackAsTheyWere(ContentEncoding encoding) throws IOException {
        Random random = new Random(11);
        // Large and small in turn, so that a body meets the buffers and context that a larger one left.
        int[] lines = {5000, 3, 0, 40_000, 1, 700};
        try (BodyCompressor compressor = new BodyCompressor(encoding)) {
            for (int count : lines) {
                byte[] plain = lines(random, count);
                int offset = random.nextInt(16);
                byte[] source = new byte[offset + plain.length + 7];
                System.arraycopy(plain, 0, source, offset, plain.length);
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                compressor.compress(source, offset, plain.length, body);
                if (encoding != ContentEncoding.IDENTITY && count >= 700) {
                    assertThat(body.size()).isLessThan(plain.length / 2);
                }
                assertThat(decompressed(encoding, body.toByteArray())).as("%d lines", count).isEqualTo(plain);
            }
        }
    }

    @Test
    void aZstdBodyLargerThanItsWindowReadsBackWithinTheCollectorsWindowLimit() throws IOException {
        byte[] plain = lines(new Random(5), 120_000);  // about 6 MiB, several level-1 windows
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try (BodyCompressor compressor = new BodyCompressor(ContentEncoding.ZSTD)) {
            compressor.compress(plain, 0, plain.length, body);
        }
        assertThat(decompressed(ContentEncoding.ZSTD, body.toByteArray())).isEqualTo(plain);
    }

    @Test
    void incompressibleBytesStillReadBack() throws IOException {
        byte[] plain = new byte[1 << 20];
        new Random(9).nextBytes(plain);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try (BodyCompressor compressor = new BodyCompressor(ContentEncoding.ZSTD)) {
            compressor.compress(plain, 0, plain.length, body);
        }
        assertThat(decompressed(ContentEncoding.ZSTD, body.toByteArray())).isEqualTo(plain);
    }

    @Test
    void aClosedCompressorRefusesWorkRatherThanTouchFreedMemory() {
        BodyCompressor compressor = new BodyCompressor(ContentEncoding.ZSTD);
        compressor.close();
        byte[] plain = "{}\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> compressor.compress(plain, 0, plain.length, new ByteArrayOutputStream()))
                .isInstanceOf(IllegalStateException.class);
    }

    private static byte[] lines(Random random, int count) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.append("{\"id\":\"").append(random.nextLong()).append("\",\"n\":").append(i)
                    .append(",\"pad\":\"").append("x".repeat(random.nextInt(20))).append("\"}\n");
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] decompressed(ContentEncoding encoding, byte[] body) throws IOException {
        try (InputStream in = encoding.decompress(new ByteArrayInputStream(body))) {
            return in.readAllBytes();
        }
    }
}
