package io.hourglass.writer;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * One copy of each host name that the writer's stages count by. Every event's host is decoded anew from its record,
 * and a stage keeps the name of each host it counts until its bucket closes: a fleet's names in every open partition
 * and hour of every type, unless the stages share them. Names that no stage asked for during a whole generation
 * ({@link #GENERATION}, by the writer's clock) are forgotten, so the pool holds the hosts of about the last two
 * generations; a stage that still holds a forgotten name keeps its own copy alive. Not thread-safe: the writer's
 * thread stages every event.
 */
final class HostNamePool {
    static final Duration GENERATION = Duration.ofHours(1);

    private final Clock clock;
    private Map<String, String> current = new HashMap<>();
    private Map<String, String> previous = new HashMap<>();
    private long generationEnds;

    HostNamePool(Clock clock) {
        this.clock = requireNonNull(clock, "clock is null");
        this.generationEnds = clock.millis() + GENERATION.toMillis();
    }

    /** The pool's copy of {@code name}, which becomes the copy if it has none. */
    String canonical(String name) {
        long now = clock.millis();
        if (now >= generationEnds) {
            previous = current;
            current = new HashMap<>();
            generationEnds = now + GENERATION.toMillis();
        }
        String copy = current.get(name);
        if (copy != null) {
            return copy;
        }
        copy = previous.remove(name);
        copy = copy == null ? name : copy;
        current.put(copy, copy);
        return copy;
    }

    /** Names held. */
    int size() {
        return current.size() + previous.size();
    }
}
