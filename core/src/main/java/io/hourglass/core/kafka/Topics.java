package io.hourglass.core.kafka;

import java.util.List;

/** Names of Hourglass's Kafka topics. */
public final class Topics {
    public static final String EVENTS_PREFIX = "events.";
    /** Event types, compacted, keyed by type name. */
    public static final String REGISTRY = "_hourglass.registry";
    /** Markers and heartbeats, keyed by host: one partition keeps their order. */
    public static final String MARKERS = "_hourglass.markers";
    /** Seal decisions of the completionist, compacted, keyed by bucket. */
    public static final String SEALS = "_hourglass.seals";
    /** Partition-hours that writers have finalized, compacted, keyed by bucket and partition. */
    public static final String FINALIZED = "_hourglass.finalized";
    /** Closed buckets with their manifests, compacted, keyed by bucket. */
    public static final String BUCKETS = "_hourglass.buckets";
    /** Rejected events with their reasons. */
    public static final String BADROWS = "_hourglass.badrows";

    public static final List<String> COMPACTED = List.of(REGISTRY, SEALS, FINALIZED, BUCKETS);

    private Topics() {
    }

    public static String events(String type) {
        return EVENTS_PREFIX + type;
    }
}
