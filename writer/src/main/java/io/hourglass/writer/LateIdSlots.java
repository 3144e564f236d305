package io.hourglass.writer;

import io.hourglass.core.MemoryBudget;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the late ids of one open partition-hour live: on the heap while the writer's budget has room for their table,
 * then in a file on the staging disk. A host that comes back after its hours closed sends all of its backlog late, so
 * these ids have no bound of their own.
 */
final class LateIdSlots implements Slots.Source {
    private static final Logger log = LoggerFactory.getLogger(LateIdSlots.class);
    private final MemoryBudget heap;
    private final Path file;
    private final String what;
    private int files;

    /** Tables in {@code heap}, then in files named {@code file} and a number; {@code what} names them in logs. */
    LateIdSlots(MemoryBudget heap, Path file, String what) {
        this.heap = heap;
        this.file = file;
        this.what = what;
    }

    @Override
    public Slots make(long length) throws IOException {
        long bytes = length * Long.BYTES;
        if (files == 0 && heap.reserve(bytes)) {
            return Slots.onHeap(length, () -> heap.release(bytes));
        }
        if (files == 0) {
            log.warn("Late events of {}: their ids outgrow the writer's heap for them ({} MiB, writer.late-id-memory) "
                    + "and go on in a file on the staging disk, which is slower. So many late events mostly mean "
                    + "that a host came back from a long outage; if it is common, raise writer.late-id-memory", what,
                    heap.bytes() >> 20);
        }
        return MappedSlots.create(Path.of(file + "." + ++files), length);
    }

    /** Whether the table has moved to the disk. */
    boolean onDisk() {
        return files > 0;
    }
}
