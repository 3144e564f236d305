package io.hourglass.core;

/**
 * Bytes of heap that the parts of one component share, reserved before use and given back after: a writer's blocks
 * and late ids, a collector's request buffers. Thread-safe.
 */
public final class MemoryBudget {
    private final long bytes;
    private long reserved;

    public MemoryBudget(long bytes) {
        this.bytes = bytes;
    }

    /** Reserves {@code size} bytes if the budget has them. */
    public synchronized boolean reserve(long size) {
        if (reserved + size > bytes) {
            return false;
        }
        reserved += size;
        return true;
    }

    public synchronized void release(long size) {
        reserved -= size;
    }

    public synchronized long reserved() {
        return reserved;
    }

    public long bytes() {
        return bytes;
    }
}
