package io.hourglass.core.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.hourglass.core.HourglassException;
import io.hourglass.core.Hours;
import io.hourglass.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
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

    /**
     * The hour a marker's {@link #key} names; empty for a heartbeat's key or a key of another form. A reader can skip
     * a marker by it without parsing the marker.
     */
    public static Optional<Instant> markerHour(String key) {
        if (key == null || !key.startsWith("marker/")) {
            return Optional.empty();
        }
        int last = key.lastIndexOf('/');
        int before = key.lastIndexOf('/', last - 1);
        if (before < "marker".length()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(key.substring(before + 1, last)));
        } catch (DateTimeParseException e) {
            return Optional.empty();
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
