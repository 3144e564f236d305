package io.hourglass.writer;

import io.hourglass.core.EventTypes;
import java.time.Duration;

/**
 * Settings of a writer.
 *
 * @param lane           the lane whose event types this writer consumes; one consumer group per lane
 * @param instanceId     distinguishes writers of the same lane in logs and client ids
 * @param commitInterval how often consumed offsets are committed (never past an unfinalized bucket)
 * @param retryInterval  pause before retrying a failed finalize, e.g. while the lake's disk is full
 */
public record WriterConfig(String lane, String instanceId, Duration commitInterval, Duration retryInterval) {
    public WriterConfig {
        if (!EventTypes.isValidName(lane)) {
            throw new IllegalArgumentException("writer.lane '" + lane + "' is not a valid lane name");
        }
        if (instanceId == null || instanceId.isBlank()) {
            throw new IllegalArgumentException("writer.instance-id must not be blank");
        }
        if (commitInterval.isNegative() || retryInterval.isNegative()) {
            throw new IllegalArgumentException("writer intervals must not be negative");
        }
    }

    public static WriterConfig defaults(String lane) {
        return new WriterConfig(lane, "1", Duration.ofSeconds(1), Duration.ofSeconds(5));
    }

    public String groupId() {
        return "hourglass-writer-" + lane;
    }
}
