package io.hourglass.core.avro;

import java.io.IOException;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Checks that bytes are exactly one datum of a schema, by walking them without building anything, before they are
 * copied into a file as they are. Not thread-safe: it reuses its decoder.
 */
public final class AvroCheck {
    private BinaryDecoder decoder;

    /** What is wrong with {@code bytes} as one datum of {@code schema}; empty when nothing is. */
    public Optional<String> problem(Schema schema, byte[] bytes) {
        return problem(schema, bytes, 0, bytes.length);
    }

    /** What is wrong with {@code length} bytes from {@code offset} as one datum of {@code schema}. */
    public Optional<String> problem(Schema schema, byte[] bytes, int offset, int length) {
        try {
            decoder = DecoderFactory.get().binaryDecoder(bytes, offset, length, decoder);
            GenericDatumReader.skip(schema, decoder);
            return decoder.isEnd() ? Optional.empty()
                    : Optional.of("bytes left over after a " + schema.getName() + " record");
        } catch (IOException | RuntimeException e) {
            return Optional.of("not a " + schema.getName() + " record in Avro: " + e);
        }
    }
}
