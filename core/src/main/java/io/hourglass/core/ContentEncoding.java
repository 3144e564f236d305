package io.hourglass.core;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * How an HTTP request body is compressed, by its {@code Content-Encoding} token: agents compress batches, collectors
 * decompress them. Streams are buffered, so writing one event line at a time costs no native call per line.
 */
public enum ContentEncoding {
    /** zstd at level 1: on event batches about 3.5x as fast as gzip at level 1, both ways, and smaller output. */
    ZSTD("zstd"),
    /** gzip at its fastest level, for peers that speak nothing else. */
    GZIP("gzip"),
    /** Not compressed. */
    IDENTITY("identity");

    private static final int BUFFER = 64 * 1024;
    static final int ZSTD_LEVEL = 1;
    /**
     * The largest zstd window a body may ask for: 8 MiB, what zstd's own level 19 uses (level 1 uses 512 KiB). The
     * decoder's default limit is 128 MiB, allocated per request before the body is read.
     */
    static final int MAX_ZSTD_WINDOW_LOG = 23;
    private final String token;

    ContentEncoding(String token) {
        this.token = token;
    }

    /** The {@code Content-Encoding} token. */
    public String token() {
        return token;
    }

    /** The encoding a header or setting names, case-insensitively; no name, or {@code none}, is identity. */
    public static Optional<ContentEncoding> of(String name) {
        if (name == null || name.isBlank() || name.equalsIgnoreCase("none")) {
            return Optional.of(IDENTITY);
        }
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(e -> e.token.equals(wanted)).findFirst();
    }

    /** The tokens {@link #of} takes, for error messages. */
    public static String names() {
        return "one of " + Arrays.stream(values()).map(ContentEncoding::token).toList() + " (or none)";
    }

    // zstd streams take their buffers from zstd-jni's pool: a stream is made per body. Agents compress whole bodies
    // with a BodyCompressor instead.

    /** Wraps {@code out}; closing the result finishes the compressed stream and closes {@code out}. */
    public OutputStream compress(OutputStream out) throws IOException {
        OutputStream encoded = switch (this) {
            case ZSTD -> new ZstdOutputStreamNoFinalizer(out, RecyclingBufferPool.INSTANCE, ZSTD_LEVEL);
            case GZIP -> new FastGzip(out);
            case IDENTITY -> out;
        };
        return new BufferedOutputStream(encoded, BUFFER);
    }

    /** Wraps {@code in}; a damaged stream fails with an {@link IOException} when read. Close it (native memory). */
    public InputStream decompress(InputStream in) throws IOException {
        return switch (this) {
            case ZSTD -> new BufferedInputStream(new ZstdInputStreamNoFinalizer(in, RecyclingBufferPool.INSTANCE)
                    .setLongMax(MAX_ZSTD_WINDOW_LOG), BUFFER);
            case GZIP -> new GZIPInputStream(in, BUFFER);
            case IDENTITY -> in;
        };
    }

    /** Gzip at the fastest level: on loopback and LANs the CPU, not the bytes, is what costs. */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, BUFFER);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }
}
