package io.hourglass.cli.bench;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Callback;

/**
 * Keeps the raw producer's records that Kafka has not yet answered within a bound, as an application that waits for
 * its acknowledgements does. Without one, a producer that sends faster than the broker appends queues up to its
 * whole {@code buffer.memory} of compressed batches: at 1 type, about 440,000 records, whose callbacks and futures G1
 * copied at every young collection, a third of the raw phase's CPU.
 */
final class InFlightLimit {
    /** Events in flight, in bytes: what the bench's four agents may have in flight, two batches of 2 MiB each. */
    static final long BYTES = 16L * 1024 * 1024;

    private final Semaphore permits;

    InFlightLimit(int records) {
        if (records < 1) {
            throw new IllegalArgumentException("records must be at least 1: " + records);
        }
        this.permits = new Semaphore(records);
    }

    /** The limit for events of {@code eventSize} bytes within {@link #BYTES}. */
    static InFlightLimit forEvents(int eventSize) {
        return new InFlightLimit((int) Math.max(1, BYTES / Math.max(1, eventSize)));
    }

    /**
     * Waits until one more record may be in flight, then returns the callback to send it with: Kafka's answer lets
     * the next one go, and a success counts in {@code acked}.
     */
    Callback acquire(AtomicLong acked) {
        permits.acquireUninterruptibly();
        return (metadata, error) -> {
            permits.release();
            if (error == null) {
                acked.incrementAndGet();
            }
        };
    }

    /** Records that may still be sent before one must wait. */
    int available() {
        return permits.availablePermits();
    }
}
