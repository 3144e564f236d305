package io.hourglass.core.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.hourglass.core.HourglassException;
import io.hourglass.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;

/** JSON form of host signals, always with their {@code kind}. */
public final class HostSignals {
    private static final ObjectWriter WRITER = Json.MAPPER.writerFor(HostSignal.class);
    private static final ObjectReader READER = Json.MAPPER.readerFor(HostSignal.class);

    private HostSignals() {
    }

    public static byte[] toBytes(HostSignal s) {
        try {
            return WRITER.writeValueAsBytes(s);
        } catch (JsonProcessingException e) {
            throw new HourglassException("cannot encode " + s, e);
        }
    }

    public static HostSignal fromBytes(byte[] bytes) {
        try {
            return READER.readValue(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("not a host signal: " + e.getMessage(), e);
        }
    }
}
