package io.hourglass.core.service;

/** A long-running part. {@code stop()} is safe to call twice and from a shutdown hook. */
public interface Service {
    void start();

    void stop();

    /** Short name for logs and health reports. */
    String name();

    /** True when the part can do its job now, e.g. Kafka is reachable. */
    default boolean ready() {
        return true;
    }
}
