package io.hourglass.core.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.hourglass.core.HourglassException;
import io.hourglass.core.Hours;
import io.hourglass.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;

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

    /**
     * The signal's Kafka key on the compacted {@code _hourglass.markers}: heartbeats of one host in one hour share a
     * key, so compaction keeps each host's latest heartbeat of every hour, which is all the completionist uses of
     * them. Every marker has a key of its own, so compaction never drops one: a host may mark an hour twice, and the
     * seal covers both.
     */
    public static String key(HostSignal s) {
        if (s instanceof Heartbeat h) {
            return "heartbeat/" + h.host() + "/" + Hours.hourOf(h.sentAt());
        }
        Marker m = (Marker) s;
        return "marker/" + m.host() + "/" + m.hour() + "/" + UUID.randomUUID();
    }

    public static HostSignal fromBytes(byte[] bytes) {
        try {
            return READER.readValue(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("not a host signal: " + e.getMessage(), e);
        }
    }
}
