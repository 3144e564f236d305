package io.hourglass.core.registry;

import static java.util.Objects.requireNonNull;

/** The team that owns an event type, and how to reach them when its data is late or lost. */
public record Owner(String team, String contact) {
    public Owner {
        requireNonNull(team, "team is null");
        requireNonNull(contact, "contact is null");
    }
}
