package io.hourglass.core;

import java.util.Arrays;

/**
 * What counts as an event line in a host log or a request body, for the agent and the collector alike: a line's
 * trailing {@code \r} is not part of it, and a line of only spaces and tabs is no event. Both must agree, or the
 * agent would wait for an answer about a line the collector never counted.
 */
public final class Lines {
    private static final long NEWLINES = EightBytes.repeated('\n');

    private Lines() {
    }

    /**
     * The index of the first {@code \n} in {@code [from, to)}, or -1. The agent and the collector look at every byte
     * of every batch, so this looks at eight at a time ({@link EightBytes}).
     */
    public static int newline(byte[] b, int from, int to) {
        int i = from;
        for (; i <= to - Long.BYTES; i += Long.BYTES) {
            long found = EightBytes.equalTo(EightBytes.at(b, i), NEWLINES);
            if (found != 0) {
                return i + EightBytes.first(found);
            }
        }
        for (; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** The end of the line {@code [from, to)} without a trailing carriage return. */
    private static int end(byte[] b, int from, int to) {
        return to > from && b[to - 1] == '\r' ? to - 1 : to;
    }

    /** Where the events of a body are: the i-th is {@code [from(i), to(i))}, a line without its line end. */
    public record Events(int[] bounds, int count) {
        public int from(int event) {
            return bounds[2 * event];
        }

        public int to(int event) {
            return bounds[2 * event + 1];
        }
    }

    /** The lines of {@code body} that hold events, found without copying them out. */
    public static Events events(byte[] body) {
        return events(body, body.length);
    }

    /** The lines of the first {@code size} bytes of {@code body} that hold events. */
    public static Events events(byte[] body, int size) {
        int[] bounds = new int[64];
        int count = 0;
        int start = 0;
        while (start <= size) {
            int newline = newline(body, start, size);
            int next = newline < 0 ? size : newline;
            int end = eventEnd(body, start, next);
            if (end >= 0) {
                if (2 * count == bounds.length) {
                    bounds = Arrays.copyOf(bounds, bounds.length * 2);
                }
                bounds[2 * count] = start;
                bounds[2 * count + 1] = end;
                count++;
            }
            start = next + 1;
        }
        return new Events(bounds, count);
    }

    /**
     * Where the event of the line {@code [from, to)} ends, without a trailing carriage return; -1 when the line holds
     * no event.
     */
    public static int eventEnd(byte[] b, int from, int to) {
        int end = end(b, from, to);
        return isBlank(b, from, end) ? -1 : end;
    }

    /** True when {@code [from, to)} holds no event: empty, or only spaces and tabs. */
    private static boolean isBlank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != ' ' && b[i] != '\t') {
                return false;
            }
        }
        return true;
    }
}
