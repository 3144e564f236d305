package io.hourglass.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.avro.file.Codec;
import org.apache.avro.file.ZstandardCodec;
import org.junit.jupiter.api.Test;

class ZstdBlockCodecTest {
    private final Codec avro = new ZstandardCodec(1, false, true);

    @Test
    void blocksReadBackWithAvrosCodecAndItsBlocksWithThis() throws IOException {
        ZstdBlockCodec codec = new ZstdBlockCodec(1);
        SplittableRandom random = new SplittableRandom(3);
        for (int size : new int[] {0, 1, 1000, 480 * 1024, 700 * 1024, 2000}) {
            byte[] block = block(random, size);
            // A block that sits inside a larger buffer, after other bytes, as a joined block does.
            byte[] around = new byte[size + 20];
            System.arraycopy(block, 0, around, 7, size);
            ByteBuffer compressed = codec.compress(ByteBuffer.wrap(around, 7, size).slice());

            assertThat(bytes(avro.decompress(copy(compressed)))).isEqualTo(block);
            assertThat(bytes(codec.decompress(avro.compress(ByteBuffer.wrap(block))))).isEqualTo(block);
            if (size > 1000) {
                assertThat(compressed.remaining()).as("compresses event-like text").isLessThan(size / 2);
            }
        }
        assertThat(codec.getName()).isEqualTo(avro.getName());
    }

    @Test
    void garbageIsAnIoError() {
        byte[] garbage = "not a zstd frame at all".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> new ZstdBlockCodec(1).decompress(ByteBuffer.wrap(garbage)))
                .isInstanceOf(IOException.class);
    }

    /** Text like lake records: repeated field values among random ids. */
    private static byte[] block(SplittableRandom random, int size) {
        StringBuilder s = new StringBuilder();
        while (s.length() < size) {
            s.append("{\"id\":\"").append(Long.toHexString(random.nextLong())).append("\",\"action\":\"play\",")
                    .append("\"value\":").append(random.nextInt(1_000_000)).append('}');
        }
        return Arrays.copyOf(s.toString().getBytes(StandardCharsets.US_ASCII), size);
    }

    private static ByteBuffer copy(ByteBuffer b) {
        return ByteBuffer.wrap(bytes(b));
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
