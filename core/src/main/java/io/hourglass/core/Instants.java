package io.hourglass.core;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.Year;
import java.time.format.DateTimeParseException;

/**
 * Parses ISO-8601 UTC instants. Every event carries two or three of them and {@link Instant#parse} builds a map per
 * call, so the usual form {@code 2026-01-31T13:45:00[.fraction]Z} is read by hand; anything else goes to
 * {@link Instant#parse}, which accepts it or explains what is wrong.
 */
public final class Instants {
    private Instants() {
    }

    /** The instant, or {@link DateTimeParseException} as {@link Instant#parse} would throw it. */
    public static Instant parse(CharSequence s) {
        int n = s.length();
        if (n < 20 || n > 30 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-'
                || s.charAt(10) != 'T' || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return Instant.parse(s);
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        int nanos = 0;
        if (n > 20) {
            int fraction = n - 21;  // digits between '.' and 'Z'
            if (s.charAt(19) != '.' || fraction < 1 || fraction > 9) {
                return Instant.parse(s);
            }
            nanos = digits(s, 20, fraction);
            for (int i = fraction; i < 9 && nanos >= 0; i++) {
                nanos *= 10;
            }
        }
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > Month.of(month).length(Year.isLeap(year))
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || nanos < 0) {
            return Instant.parse(s);  // out of range or not digits: let the JDK say what is wrong
        }
        return Instant.ofEpochSecond(LocalDate.of(year, month, day).toEpochDay() * 86_400L + hour * 3600L
                + minute * 60L + second, nanos);
    }

    /** The non-negative number in {@code s[from, from+len)}, or -1 if any of it is not a digit. */
    private static int digits(CharSequence s, int from, int len) {
        int v = 0;
        for (int i = from; i < from + len; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
