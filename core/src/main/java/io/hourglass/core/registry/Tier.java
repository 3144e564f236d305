package io.hourglass.core.registry;

import java.time.Duration;

/** Timeliness tier of an event type: how soon after the hour its owner expects the bucket to close. */
public enum Tier {
    HIGH(Duration.ofMinutes(30)),
    NORMAL(Duration.ofHours(2)),
    LOW(Duration.ofHours(6));

    private final Duration closeDeadline;

    Tier(Duration closeDeadline) {
        this.closeDeadline = closeDeadline;
    }

    /** Time after hour end by which the bucket should be closed; a later close is reported as late. */
    public Duration closeDeadline() {
        return closeDeadline;
    }
}
