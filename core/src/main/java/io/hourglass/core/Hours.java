package io.hourglass.core;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/** Hour arithmetic in UTC: buckets, host log file names and Hive-style partition paths. */
public final class Hours {
    private static final DateTimeFormatter FILE_HOUR =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DT = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HH = DateTimeFormatter.ofPattern("HH").withZone(ZoneOffset.UTC);
    public static final String LOG_SUFFIX = ".jsonl";

    private Hours() {
    }

    /** The start of the UTC hour that contains {@code t}. */
    public static Instant hourOf(Instant t) {
        return t.truncatedTo(ChronoUnit.HOURS);
    }

    /** The end of an hour, which is also the start of the next one. */
    public static Instant end(Instant hour) {
        return hour.plus(1, ChronoUnit.HOURS);
    }

    /** Host event log file name for an hour, {@code YYYY-MM-DDTHH.jsonl}. */
    public static String logFileName(Instant hour) {
        return FILE_HOUR.format(hour) + LOG_SUFFIX;
    }

    /** The hour of a host event log file, or empty when the name is not one. */
    public static Optional<Instant> parseLogFileName(String name) {
        if (!name.endsWith(LOG_SUFFIX) || name.length() != 13 + LOG_SUFFIX.length()) {
            return Optional.empty();
        }
        try {
            LocalDateTime t = LocalDateTime.parse(name.substring(0, 13) + ":00", DateTimeFormatter.ISO_LOCAL_DATE_TIME);
            return Optional.of(t.toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Hive-style partition path of a bucket: {@code dt=YYYY-MM-DD/hour=HH}. */
    public static String partitionPath(Instant hour) {
        return "dt=" + DT.format(hour) + "/hour=" + HH.format(hour);
    }

    /** Reads a partition path back into its hour. */
    public static Optional<Instant> parsePartitionPath(String dt, String hour) {
        if (!dt.startsWith("dt=") || !hour.startsWith("hour=")) {
            return Optional.empty();
        }
        try {
            LocalDateTime t = LocalDateTime.parse(dt.substring(3) + "T" + hour.substring(5) + ":00");
            return Optional.of(t.toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
