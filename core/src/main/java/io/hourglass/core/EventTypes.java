package io.hourglass.core;

import java.util.regex.Pattern;

/** Rules for event type names. A name becomes a Kafka topic and a path segment, so it is checked first. */
public final class EventTypes {
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,99}");

    private EventTypes() {
    }

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    public static String requireValidName(String name) {
        if (!isValidName(name)) {
            throw new HourglassException("invalid event type name '" + name
                    + "': use a letter then up to 99 letters, digits or underscores");
        }
        return name;
    }
}
