package io.hourglass.agent;

import io.hourglass.core.ContentEncoding;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the agent.
 *
 * @param collectors        collector base URLs; the agent fails over between them
 * @param stateDir          where checkpoints live, one file per host
 * @param grace             an hour's file is sealed once the clock is past hour end plus this
 * @param batchMaxEvents    events per request at most
 * @param batchMaxBytes     bytes of events per request at most (before compression)
 * @param maxLineBytes      longer lines are cut to this and rejected by the collector into bad rows
 * @param pollInterval      pause between reads when there is nothing new
 * @param heartbeatInterval how often the agent tells the completionist it is alive
 * @param backoffBase       first retry delay after a failed request; doubles up to {@code backoffMax}, with jitter
 * @param backoffMax        longest retry delay
 * @param requestTimeout    how long one request may take
 * @param compression       how request bodies are compressed; collectors accept zstd, gzip and identity
 * @param checkpointInterval how often at most the checkpoint is saved (fsynced) while batches keep coming; zero saves
 *                          it after every batch. After a crash the agent resends what it sent since the last save, and
 *                          the copies are dropped downstream (Filebeat's {@code registry.flush})
 * @param maxInFlight       batches sent before the oldest one's acknowledgement is waited for (Filebeat's
 *                          {@code pipelining}); the checkpoint moves only over acknowledged batches, in order
 */
public record AgentConfig(
        List<URI> collectors,
        java.nio.file.Path stateDir,
        Duration grace,
        int batchMaxEvents,
        int batchMaxBytes,
        int maxLineBytes,
        Duration pollInterval,
        Duration heartbeatInterval,
        Duration backoffBase,
        Duration backoffMax,
        Duration requestTimeout,
        ContentEncoding compression,
        Duration checkpointInterval,
        int maxInFlight) {

    /** zstd: faster than gzip both ways, and smaller. Agents fall back to gzip for collectors from before zstd. */
    public static final ContentEncoding DEFAULT_COMPRESSION = ContentEncoding.ZSTD;
    /** A round trip carries a batch; bigger ones cost the collector and Kafka less per event. */
    public static final int DEFAULT_BATCH_MAX_EVENTS = 5000;
    /** Filebeat's {@code registry.flush} default too. */
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(1);
    /** One batch is read, compressed and sent while the collector works on the one before. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 2;

    public AgentConfig {
        collectors = List.copyOf(collectors);
        Objects.requireNonNull(compression, "agent.compression is null");
        if (collectors.isEmpty()) {
            throw new IllegalArgumentException("agent.collectors must name at least one collector URL");
        }
        if (grace.isNegative()) {
            throw new IllegalArgumentException("agent.grace must not be negative");
        }
        if (batchMaxEvents < 1 || batchMaxBytes < 1024 || maxLineBytes < 256 || maxLineBytes > batchMaxBytes) {
            throw new IllegalArgumentException(
                    "agent.batch-max-events >= 1, agent.batch-max-bytes >= 1024 and 256 <= agent.max-line-bytes"
                            + " <= agent.batch-max-bytes");
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("agent.max-in-flight must be at least 1");
        }
        if (checkpointInterval.isNegative()) {
            throw new IllegalArgumentException("agent.checkpoint-interval must not be negative");
        }
        if (backoffBase.isZero() || backoffBase.isNegative() || backoffMax.compareTo(backoffBase) < 0) {
            throw new IllegalArgumentException("agent.backoff-base must be positive and at most agent.backoff-max");
        }
    }

    /** Batches of up to 5000 events or 2 MiB; the checkpoint saved at most once a second under load. */
    public static AgentConfig defaults(List<URI> collectors, java.nio.file.Path stateDir) {
        return new AgentConfig(collectors, stateDir, Duration.ofMinutes(2), DEFAULT_BATCH_MAX_EVENTS, 2 * 1024 * 1024,
                256 * 1024, Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofMillis(200),
                Duration.ofSeconds(30), Duration.ofSeconds(30), DEFAULT_COMPRESSION, DEFAULT_CHECKPOINT_INTERVAL,
                DEFAULT_MAX_IN_FLIGHT);
    }

    public AgentConfig withGrace(Duration g) {
        return new AgentConfig(collectors, stateDir, g, batchMaxEvents, batchMaxBytes, maxLineBytes, pollInterval,
                heartbeatInterval, backoffBase, backoffMax, requestTimeout, compression, checkpointInterval,
                maxInFlight);
    }

    public AgentConfig withHeartbeatInterval(Duration interval) {
        return new AgentConfig(collectors, stateDir, grace, batchMaxEvents, batchMaxBytes, maxLineBytes, pollInterval,
                interval, backoffBase, backoffMax, requestTimeout, compression, checkpointInterval,
                maxInFlight);
    }

    public AgentConfig withPollInterval(Duration interval) {
        return new AgentConfig(collectors, stateDir, grace, batchMaxEvents, batchMaxBytes, maxLineBytes, interval,
                heartbeatInterval, backoffBase, backoffMax, requestTimeout, compression, checkpointInterval,
                maxInFlight);
    }

    public AgentConfig withBackoff(Duration base, Duration max) {
        return new AgentConfig(collectors, stateDir, grace, batchMaxEvents, batchMaxBytes, maxLineBytes, pollInterval,
                heartbeatInterval, base, max, requestTimeout, compression, checkpointInterval,
                maxInFlight);
    }

    public AgentConfig withMaxInFlight(int batches) {
        return new AgentConfig(collectors, stateDir, grace, batchMaxEvents, batchMaxBytes, maxLineBytes, pollInterval,
                heartbeatInterval, backoffBase, backoffMax, requestTimeout, compression, checkpointInterval, batches);
    }

    public AgentConfig withCheckpointInterval(Duration interval) {
        return new AgentConfig(collectors, stateDir, grace, batchMaxEvents, batchMaxBytes, maxLineBytes, pollInterval,
                heartbeatInterval, backoffBase, backoffMax, requestTimeout, compression, interval,
                maxInFlight);
    }
}
