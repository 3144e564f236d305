package io.hourglass.core.avro;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class AvroBufferTest {
    private static final List<String> STRINGS = List.of("", "a", "0b9f3c1e-6a1d-4f0e-9b7e-2f4d8c7a5e31",
            "PlaybackStarted", "x".repeat(200), "café", "日本語のホスト", "mixed ascii then \u00e9", "\uD83D\uDE00 emoji",
            "\u007f edge", "\u0080 edge");

    @Test
    void writesStringsAsAvrosOwnEncoderDoes() throws IOException {
        AvroBuffer buffer = new AvroBuffer(4);  // small, so that it grows on the way
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        BinaryEncoder avro = EncoderFactory.get().directBinaryEncoder(expected, null);
        for (String s : STRINGS) {  // each after other content, as in a record
            buffer.writeLong(s.length());
            buffer.writeString(s);
            avro.writeLong(s.length());
            avro.writeString(s);
        }
        avro.flush();

        assertThat(buffer.toByteArray()).isEqualTo(expected.toByteArray());
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(buffer.toByteArray(), null);
        for (String s : STRINGS) {
            assertThat(decoder.readLong()).isEqualTo(s.length());
            assertThat(decoder.readString()).isEqualTo(s);
        }
        assertThat(decoder.isEnd()).isTrue();
    }
}
