package io.hourglass.writer;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The hours whose late events a final file holds, listed in its Avro metadata under {@link #META}. Past its own hour,
 * a bucket can hold a copy of an event only as a late event, so a late event checks the ids of the closed buckets
 * between its hour and its arrival only where they list its hour, instead of reading every file of those hours.
 * Files written before the list existed have no entry, and may hold any.
 */
record LateHours(boolean listed, Set<Instant> hours) {
    static final String META = "hourglass.late_hours";
    /** A partition-hour without a file holds nothing. */
    static final LateHours NONE = new LateHours(true, Set.of());
    static final LateHours UNLISTED = new LateHours(false, Set.of());

    LateHours {
        hours = Set.copyOf(hours);
    }

    boolean mayHold(Instant hour) {
        return !listed || hours.contains(hour);
    }

    /** The metadata value: the hours in ISO-8601, in order, comma-separated; empty for none. */
    static String format(Collection<Instant> hours) {
        return new TreeSet<>(hours).stream().map(Instant::toString).collect(Collectors.joining(","));
    }

    /** Reads a metadata value; null (no entry) or a value this writer cannot read lists nothing, so may hold any. */
    static LateHours parse(String value) {
        if (value == null) {
            return UNLISTED;
        }
        if (value.isEmpty()) {
            return NONE;
        }
        try {
            Set<Instant> hours = new TreeSet<>();
            for (String hour : value.split(",")) {
                hours.add(Instant.parse(hour));
            }
            return new LateHours(true, hours);
        } catch (DateTimeParseException e) {
            return UNLISTED;
        }
    }
}
