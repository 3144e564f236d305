package io.hourglass.cli.standalone;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Settings of a standalone Hourglass: every component in one JVM.
 *
 * @param dataDir           root of lake/, badrows/, hosts/, agent-state/ and kafka/
 * @param registryDir       directory of event type YAML files
 * @param httpPort          collector and health port (0 picks a free one)
 * @param kafkaPort         embedded Kafka port (0 picks a free one); ignored with {@code externalKafka}
 * @param externalKafka     bootstrap servers of an external cluster, or null for the embedded one
 * @param eventPartitions   partitions per events topic
 * @param agentGrace        agent's grace period after an hour ends before it seals the hour's file
 * @param heartbeatInterval how often its agents and its collector heartbeat
 * @param hostTimeout       completionist's liveness timeout for hosts
 * @param clock             the clock every component shares
 * @param runAgents         whether to tail {@code dataDir/hosts/*} in this JVM
 * @param runWriters        whether to run the lanes' writers in this JVM (the bench runs them on their own)
 * @param replicationFactor replication factor of created topics; {@code min.insync.replicas} is one less
 * @param completionistTick how often the completionist decides when no marker or finalized partition asks it to
 */
public record StandaloneConfig(
        Path dataDir,
        Path registryDir,
        int httpPort,
        int kafkaPort,
        String externalKafka,
        int eventPartitions,
        Duration agentGrace,
        Duration heartbeatInterval,
        Duration hostTimeout,
        Clock clock,
        boolean runAgents,
        boolean runWriters,
        int replicationFactor,
        Duration completionistTick) {

    public StandaloneConfig {
        requireNonNull(dataDir, "dataDir is null");
        requireNonNull(registryDir, "registryDir is null");
        requireNonNull(clock, "clock is null");
        if (httpPort < 0 || httpPort > 65535 || kafkaPort < 0 || kafkaPort > 65535) {
            throw new IllegalArgumentException("--http-port and --kafka-port must be between 0 and 65535");
        }
        if (eventPartitions < 1) {
            throw new IllegalArgumentException("--partitions must be at least 1");
        }
    }

    public static StandaloneConfig defaults(Path dataDir, Path registryDir) {
        return new StandaloneConfig(dataDir, registryDir, 7070, 0, null, 3, Duration.ofMinutes(2),
                Duration.ofSeconds(5), Duration.ofSeconds(30), Clock.systemUTC(), true, true, 1,
                Duration.ofMillis(250));
    }

    public StandaloneConfig withPorts(int http, int kafka) {
        return new StandaloneConfig(dataDir, registryDir, http, kafka, externalKafka, eventPartitions, agentGrace,
                heartbeatInterval, hostTimeout, clock, runAgents, runWriters, replicationFactor, completionistTick);
    }

    public StandaloneConfig withAgentGrace(Duration grace) {
        return new StandaloneConfig(dataDir, registryDir, httpPort, kafkaPort, externalKafka, eventPartitions, grace,
                heartbeatInterval, hostTimeout, clock, runAgents, runWriters, replicationFactor, completionistTick);
    }

    public StandaloneConfig withClock(Clock c, Duration heartbeat, Duration timeout) {
        return new StandaloneConfig(dataDir, registryDir, httpPort, kafkaPort, externalKafka, eventPartitions,
                agentGrace, heartbeat, timeout, c, runAgents, runWriters, replicationFactor, completionistTick);
    }

    public StandaloneConfig withEventPartitions(int partitions) {
        return new StandaloneConfig(dataDir, registryDir, httpPort, kafkaPort, externalKafka, partitions, agentGrace,
                heartbeatInterval, hostTimeout, clock, runAgents, runWriters, replicationFactor, completionistTick);
    }

    public StandaloneConfig withoutAgents() {
        return new StandaloneConfig(dataDir, registryDir, httpPort, kafkaPort, externalKafka, eventPartitions,
                agentGrace, heartbeatInterval, hostTimeout, clock, false, runWriters, replicationFactor,
                completionistTick);
    }

    public StandaloneConfig withoutWriters() {
        return new StandaloneConfig(dataDir, registryDir, httpPort, kafkaPort, externalKafka, eventPartitions,
                agentGrace, heartbeatInterval, hostTimeout, clock, runAgents, false, replicationFactor,
                completionistTick);
    }

    public StandaloneConfig withExternalKafka(String bootstrap) {
        return withExternalKafka(bootstrap, replicationFactor);
    }

    public StandaloneConfig withExternalKafka(String bootstrap, int replication) {
        return new StandaloneConfig(dataDir, registryDir, httpPort, kafkaPort, bootstrap, eventPartitions, agentGrace,
                heartbeatInterval, hostTimeout, clock, runAgents, runWriters, replication, completionistTick);
    }

    public StandaloneConfig withCompletionistTick(Duration tick) {
        return new StandaloneConfig(dataDir, registryDir, httpPort, kafkaPort, externalKafka, eventPartitions,
                agentGrace, heartbeatInterval, hostTimeout, clock, runAgents, runWriters, replicationFactor, tick);
    }
}
