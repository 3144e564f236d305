package io.hourglass.core.control;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** A rejected event, kept with the reason it was rejected. {@code raw} is exactly what was received. */
public record BadRow(String type, String reasonCode, String reason, Instant receivedAt, String host, String raw) {
    /** Folder for bad rows whose type is unknown or not a valid name. */
    public static final String UNKNOWN_TYPE = "_unknown";

    public BadRow {
        requireNonNull(type, "type is null");
        requireNonNull(reasonCode, "reasonCode is null");
        requireNonNull(reason, "reason is null");
        requireNonNull(receivedAt, "receivedAt is null");
        requireNonNull(raw, "raw is null");
    }
}
