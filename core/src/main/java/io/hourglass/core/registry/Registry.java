package io.hourglass.core.registry;

import io.hourglass.core.EventTypes;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/** An immutable snapshot of every registered event type. Every name in it is a valid type name. */
public record Registry(Map<String, EventType> types) {
    public Registry {
        types = Map.copyOf(types);
        types.keySet().forEach(EventTypes::requireValidName);
    }

    public Optional<EventType> find(String name) {
        return Optional.ofNullable(types.get(name));
    }

    public Collection<EventType> all() {
        return new TreeMap<>(types).values();
    }

    public SortedSet<String> lanes() {
        TreeSet<String> lanes = new TreeSet<>();
        types.values().forEach(t -> lanes.add(t.lane()));
        return lanes;
    }
}
