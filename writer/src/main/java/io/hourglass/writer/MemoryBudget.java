package io.hourglass.writer;

/** Bytes of heap that the parts of one writer share, reserved before use and given back after. */
final class MemoryBudget {
    private final long bytes;
    private long reserved;

    MemoryBudget(long bytes) {
        this.bytes = bytes;
    }

    /** Reserves {@code size} bytes if the budget has them. */
    synchronized boolean reserve(long size) {
        if (reserved + size > bytes) {
            return false;
        }
        reserved += size;
        return true;
    }

    synchronized void release(long size) {
        reserved -= size;
    }

    synchronized long reserved() {
        return reserved;
    }

    long bytes() {
        return bytes;
    }
}
