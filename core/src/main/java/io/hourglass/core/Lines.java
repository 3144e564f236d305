package io.hourglass.core;

/**
 * What counts as an event line in a host log or a request body, for the agent and the collector alike: a line's
 * trailing {@code \r} is not part of it, and a line of only spaces and tabs is no event. Both must agree, or the
 * agent would wait for an answer about a line the collector never counted.
 */
public final class Lines {
    private Lines() {
    }

    /** The end of the line {@code [from, to)} without a trailing carriage return. */
    public static int end(byte[] b, int from, int to) {
        return to > from && b[to - 1] == '\r' ? to - 1 : to;
    }

    /** True when {@code [from, to)} holds no event: empty, or only spaces and tabs. */
    public static boolean isBlank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != ' ' && b[i] != '\t') {
                return false;
            }
        }
        return true;
    }
}
