package io.hourglass.core;

/** Base of every exception that Hourglass throws on purpose. Messages say what went wrong and what to do. */
public class HourglassException extends RuntimeException {
    public HourglassException(String message) {
        super(message);
    }

    public HourglassException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Wraps an interruption, restoring the thread's interrupt flag. */
    public static HourglassException interrupted(String what, InterruptedException e) {
        Thread.currentThread().interrupt();
        return new HourglassException("interrupted while " + what, e);
    }
}
