package io.hourglass.collector;

import io.hourglass.core.kafka.KafkaSettings;
import java.time.Duration;

/**
 * Settings of one collector instance.
 *
 * @param instanceId         unique per instance; direct clients' events are marked as host {@code collector-<id>}
 * @param maxEventBytes      larger events are rejected as {@code oversize}
 * @param maxRequestBytes    larger request bodies (after decompression) are refused with 413
 * @param maxInFlightBatches concurrent batches before the collector answers 429
 * @param requestMemory      heap that the batches in flight may hold at once, about twice their bodies' bytes (the
 *                           body, and its events' lake records); a batch that would pass it is answered 429
 * @param produceTimeout     how long to wait for Kafka's acknowledgement before answering 503
 * @param directGrace        how long after an hour ends direct clients may still send it before it is marked
 * @param heartbeatInterval  how often the collector heartbeats for its direct clients when nothing changes; a
 *                           backfilled hour waits for a heartbeat sent after it turned up
 */
public record CollectorConfig(
        String instanceId,
        int maxEventBytes,
        long maxRequestBytes,
        int maxInFlightBatches,
        long requestMemory,
        Duration produceTimeout,
        Duration directGrace,
        Duration heartbeatInterval) {
    /**
     * The largest {@code collector.max-event-bytes}: an event's lake record is about as large as its JSON, and its
     * envelope, its pack and the produce request add headers.
     */
    public static final int MAX_EVENT_BYTES = KafkaSettings.MAX_RECORD_BYTES;

    public CollectorConfig {
        if (instanceId == null || !instanceId.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException("collector.instance-id must be 1-64 letters, digits, '.', '_' or '-'");
        }
        if (maxEventBytes < 256 || maxEventBytes > MAX_EVENT_BYTES) {
            throw new IllegalArgumentException("collector.max-event-bytes must be at least 256 and at most "
                    + MAX_EVENT_BYTES + ": a pack of one event must fit in one Kafka produce request ("
                    + KafkaSettings.MAX_REQUEST_BYTES + " bytes)");
        }
        if (maxRequestBytes < maxEventBytes) {
            throw new IllegalArgumentException("collector.max-request-bytes must be at least max-event-bytes");
        }
        if (maxInFlightBatches < 1) {
            throw new IllegalArgumentException("collector.max-in-flight-batches must be at least 1");
        }
        if (requestMemory < 2 * maxRequestBytes) {
            // Else a batch of the largest size allowed could never be taken.
            throw new IllegalArgumentException("collector.request-memory must be at least twice"
                    + " collector.max-request-bytes (" + 2 * maxRequestBytes + " bytes)");
        }
        if (produceTimeout.isNegative() || produceTimeout.isZero()) {
            throw new IllegalArgumentException("collector.produce-timeout must be positive");
        }
        if (directGrace.isNegative()) {
            throw new IllegalArgumentException("collector.direct-grace must not be negative");
        }
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
            throw new IllegalArgumentException("collector.heartbeat-interval must be positive");
        }
    }

    /** 64 MiB of requests: 16 of agents' default batches (2 MiB) at once, or two of the largest allowed (16 MiB). */
    public static CollectorConfig defaults(String instanceId) {
        return new CollectorConfig(instanceId, 256 * 1024, 16L * 1024 * 1024, 64, 64L * 1024 * 1024,
                Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofSeconds(5));
    }

    public CollectorConfig withDirectGrace(Duration grace) {
        return new CollectorConfig(instanceId, maxEventBytes, maxRequestBytes, maxInFlightBatches, requestMemory,
                produceTimeout, grace, heartbeatInterval);
    }

    public CollectorConfig withHeartbeatInterval(Duration interval) {
        return new CollectorConfig(instanceId, maxEventBytes, maxRequestBytes, maxInFlightBatches, requestMemory,
                produceTimeout, directGrace, interval);
    }

    /** The host name under which this collector marks its direct clients' events. */
    public String directHost() {
        return "collector-" + instanceId;
    }
}
