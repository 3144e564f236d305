package io.hourglass.core;

/** An event that cannot be delivered as it is; the reason goes to the sender and to bad rows. */
public class InvalidEventException extends HourglassException {
    private final String reasonCode;

    public InvalidEventException(String reasonCode, String message) {
        super(message);
        this.reasonCode = reasonCode;
    }

    /** A short stable code, e.g. {@code malformed_json}, used for metrics and bad-row folders. */
    public String reasonCode() {
        return reasonCode;
    }
}
