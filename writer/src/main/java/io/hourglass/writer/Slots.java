package io.hourglass.writer;

import java.io.IOException;

/** The slots of an {@link IdOffsets} table: longs, all zero when the table is made. */
interface Slots extends AutoCloseable {
    long get(long index);

    void set(long index, long value);

    /** Lets the slots go: heap back to its budget, a file off the disk. */
    @Override
    void close();

    /** Makes the slots of a new table, of {@code length} longs. */
    @FunctionalInterface
    interface Source {
        Slots make(long length) throws IOException;
    }

    /** Slots in an array on the heap, with nothing to give back. */
    static Slots onHeap(long length) {
        return onHeap(length, () -> { });
    }

    /** Slots in an array on the heap; {@code release} runs when they are let go. */
    static Slots onHeap(long length, Runnable release) {
        if (length > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a table of " + length + " longs does not fit in an array");
        }
        long[] array = new long[(int) length];
        return new Slots() {
            @Override
            public long get(long index) {
                return array[(int) index];
            }

            @Override
            public void set(long index, long value) {
                array[(int) index] = value;
            }

            @Override
            public void close() {
                release.run();
            }
        };
    }
}
