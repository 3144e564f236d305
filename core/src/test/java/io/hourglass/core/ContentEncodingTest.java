package io.hourglass.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ContentEncodingTest {

    @ParameterizedTest
    @EnumSource(ContentEncoding.class)
    void whatIsCompressedLineByLineReadsBackTheSame(ContentEncoding encoding) throws IOException {
        Random random = new Random(7);
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try (OutputStream out = encoding.compress(body)) {
            for (int i = 0; i < 5000; i++) {
                byte[] line = ("{\"id\":\"" + random.nextLong() + "\",\"n\":" + i + "}\n")
                        .getBytes(StandardCharsets.UTF_8);
                out.write(line);
                plain.write(line);
            }
        }
        if (encoding != ContentEncoding.IDENTITY) {
            assertThat(body.size()).isLessThan(plain.size() / 2);
        }
        try (InputStream in = encoding.decompress(new ByteArrayInputStream(body.toByteArray()))) {
            assertThat(in.readAllBytes()).isEqualTo(plain.toByteArray());
        }
    }

    @ParameterizedTest
    @EnumSource(value = ContentEncoding.class, names = {"ZSTD", "GZIP"})
    void garbageFailsWithAnIoErrorWhenRead(ContentEncoding encoding) {
        byte[] garbage = "not compressed at all".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> {
            try (InputStream in = encoding.decompress(new ByteArrayInputStream(garbage))) {
                in.readAllBytes();
            }
        }).isInstanceOf(IOException.class);
    }

    @Test
    void aZstdFrameThatAsksForAHugeWindowIsRefusedBeforeItIsDecoded() throws IOException {
        byte[] data = new byte[4 << 20];
        new Random(3).nextBytes(data);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try (OutputStream out = new ZstdOutputStreamNoFinalizer(body, 1)
                .setWindowLog(ContentEncoding.MAX_ZSTD_WINDOW_LOG + 4)) {
            out.write(data);
        }
        assertThatThrownBy(() -> {
            try (InputStream in = ContentEncoding.ZSTD.decompress(new ByteArrayInputStream(body.toByteArray()))) {
                in.readAllBytes();
            }
        }).isInstanceOf(IOException.class);
        // The same data in a frame within the limit reads back.
        ByteArrayOutputStream small = new ByteArrayOutputStream();
        try (OutputStream out = ContentEncoding.ZSTD.compress(small)) {
            out.write(data);
        }
        try (InputStream in = ContentEncoding.ZSTD.decompress(new ByteArrayInputStream(small.toByteArray()))) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void headerTokensAreReadCaseInsensitivelyAndUnknownOnesAreNot() {
        assertThat(ContentEncoding.of("ZSTD")).contains(ContentEncoding.ZSTD);
        assertThat(ContentEncoding.of(" gzip ")).contains(ContentEncoding.GZIP);
        assertThat(ContentEncoding.of(null)).contains(ContentEncoding.IDENTITY);
        assertThat(ContentEncoding.of("none")).contains(ContentEncoding.IDENTITY);
        assertThat(ContentEncoding.of("identity")).contains(ContentEncoding.IDENTITY);
        assertThat(ContentEncoding.of("br")).isEmpty();
        assertThat(ContentEncoding.of("gzip, zstd")).isEmpty();
    }
}
