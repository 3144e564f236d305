package io.hourglass.core.registry;

/** Where a type's closed buckets are published. */
public enum Sink {
    LAKE,
    WAREHOUSE
}
