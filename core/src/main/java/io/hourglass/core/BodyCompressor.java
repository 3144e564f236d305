package io.hourglass.core;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Compresses whole request bodies, one after another, in one encoding: what an agent does to each batch. For zstd it
 * compresses a body in one call with a native context kept from body to body, where a stream per body set its context
 * up every time and copied the body through its window. Used by one thread at a time; close it to free the context.
 */
public final class BodyCompressor implements AutoCloseable {
    private final ContentEncoding encoding;
    private final ZstdCompressCtx zstd;
    /** zstd's output, kept at the largest body's bound: zstd writes a body only where the whole of it would fit. */
    private byte[] compressed = new byte[0];

    public BodyCompressor(ContentEncoding encoding) {
        this.encoding = encoding;
        this.zstd = encoding == ContentEncoding.ZSTD
                ? new ZstdCompressCtx().setLevel(ContentEncoding.ZSTD_LEVEL) : null;
    }

    public ContentEncoding encoding() {
        return encoding;
    }

    /** Appends {@code bytes[offset, offset + length)}, compressed as one body, to {@code out}. */
    public void compress(byte[] bytes, int offset, int length, ByteArrayOutputStream out) throws IOException {
        if (zstd == null) {
            try (OutputStream encoded = encoding.compress(out)) {
                encoded.write(bytes, offset, length);
            }
            return;
        }
        int bound = Math.toIntExact(Zstd.compressBound(length));
        if (compressed.length < bound) {
            compressed = new byte[bound];
        }
        int size = zstd.compressByteArray(compressed, 0, bound, bytes, offset, length);
        out.write(compressed, 0, size);
    }

    @Override
    public void close() {
        if (zstd != null) {
            zstd.close();
        }
    }
}
