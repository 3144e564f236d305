package io.hourglass.core.kafka;

import java.time.Duration;
import java.util.List;

/** Names of Hourglass's Kafka topics. */
public final class Topics {
    public static final String EVENTS_PREFIX = "events.";
    /** Event types, compacted, keyed by type name. */
    public static final String REGISTRY = "_hourglass.registry";
    /**
     * Markers and heartbeats: one partition keeps their order. Compacted by the keys of
     * {@link io.hourglass.core.control.HostSignals#key}, so that a host's heartbeats of a past hour take one record,
     * not 360 at 10 s, and deleted after Kafka's retention (7 days by default).
     */
    public static final String MARKERS = "_hourglass.markers";
    /** Seal decisions of the completionist, compacted and kept {@link #DECISIONS_KEPT}, keyed by bucket. */
    public static final String SEALS = "_hourglass.seals";
    /** Partition-hours that writers have finalized, compacted and kept {@link #DECISIONS_KEPT}. */
    public static final String FINALIZED = "_hourglass.finalized";
    /**
     * Closed buckets, each with its {@link io.hourglass.core.control.Announcement}, compacted and kept
     * {@link #DECISIONS_KEPT}, keyed by bucket.
     */
    public static final String BUCKETS = "_hourglass.buckets";
    /** Rejected events with their reasons. */
    public static final String BADROWS = "_hourglass.badrows";

    /** The topics of per-bucket decisions: a record per bucket, so they are not kept forever. */
    public static final List<String> DECISIONS = List.of(SEALS, FINALIZED, BUCKETS);
    /** Every control topic: those {@link TopicAdmin#ensureTopics} creates besides the events topics. */
    public static final List<String> CONTROL = List.of(REGISTRY, SEALS, FINALIZED, BUCKETS, MARKERS, BADROWS);
    /**
     * How long a bucket's seal, finalized partitions and announcement stay in Kafka (by the time they were written).
     * Every component reads them all at start, and a compacted topic alone keeps a record per bucket forever; for an
     * older bucket the lake's {@code _SUCCESS} is the record, as it is for writers after two days.
     */
    public static final Duration DECISIONS_KEPT = Duration.ofDays(30);

    /**
     * Segments of {@link #MARKERS} roll hourly: Kafka compacts only segments that are no longer written to, so the
     * heartbeats of the current hour are all there, and those of the hours before it one a host and hour.
     */
    public static final Duration SIGNALS_SEGMENT = Duration.ofHours(1);

    /**
     * Segments of the {@link #DECISIONS} topics roll hourly, so that Kafka compacts a closed bucket's seal and
     * finalized partitions to their {@link io.hourglass.core.control.ClosedForm} within an hour or two, not after the
     * week of Kafka's default segment.
     */
    public static final Duration DECISIONS_SEGMENT = Duration.ofHours(1);

    private Topics() {
    }

    public static String events(String type) {
        return EVENTS_PREFIX + type;
    }
}
