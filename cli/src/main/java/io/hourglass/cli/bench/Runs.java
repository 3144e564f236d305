package io.hourglass.cli.bench;

import io.hourglass.cli.standalone.Standalone;
import io.hourglass.cli.standalone.StandaloneConfig;
import io.hourglass.core.Json;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.Manifest;
import io.hourglass.core.kafka.Topics;
import io.hourglass.core.registry.EventType;
import io.hourglass.core.registry.Registry;
import io.hourglass.core.registry.RegistryLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.utils.Utils;

/**
 * The runs of Hourglass the bench starts, one after another on its broker: each with a folder, a registry of types
 * of its own, its hosts, and a standalone Hourglass, and each removed with its topics when done.
 */
final class Runs {
    /** The agents' grace in the live phase whose hour ends halfway: short, so that the bench need not wait. */
    static final Duration HOUR_CLOSE_GRACE = Duration.ofSeconds(5);
    /** The completionist's host timeout in the bench's runs. */
    static final Duration HOST_TIMEOUT = Duration.ofSeconds(30);

    private final Path work;
    private final BenchKafka kafka;
    private final int eventSize;
    private final int hosts;
    private int run;

    Runs(Path work, BenchKafka kafka, int eventSize, int hosts) {
        this.work = work;
        this.kafka = kafka;
        this.eventSize = eventSize;
        this.hosts = hosts;
    }

    int hosts() {
        return hosts;
    }

    /** Events of {@code --event-size} bytes for the types of {@code registry}. */
    BenchEvents events(Registry registry) {
        return new BenchEvents(registry, eventSize);
    }

    /** A consumer of the bench's own on its broker, assigned by the caller. */
    KafkaConsumer<String, byte[]> consumer(String clientId) {
        return new KafkaConsumer<>(kafka.settings().consumer(clientId, null));
    }

    /** A new run's folder, with a registry of {@code typeCount} types named for the run. */
    Path prepare(int typeCount) throws IOException {
        Path dir = work.resolve("run-" + (++run));
        BenchEvents.writeRegistry(dir.resolve("registry"), "B" + run + "x", typeCount, eventSize);
        kafka.expect(topics(dir));
        return dir;
    }

    Standalone standalone(Path dir, boolean writers) {
        return standalone(dir, writers, Clock.systemUTC());
    }

    Standalone standalone(Path dir, boolean writers, Clock clock) {
        // Agents heartbeat every second here, so the completionist's start-up grace is two seconds.
        StandaloneConfig config = StandaloneConfig.defaults(dir, dir.resolve("registry")).withPorts(0, 0)
                .withClock(clock, Duration.ofSeconds(1), HOST_TIMEOUT).withAgentGrace(HOUR_CLOSE_GRACE)
                .withExternalKafka(kafka.bootstrap(), 1).withEventPartitions(kafka.partitions()).withoutAgents();
        return new Standalone(writers ? config : config.withoutWriters()).start();
    }

    /** Host {@code h} of the current run: every run has hosts of its own, as one broker keeps all their markers. */
    String host(int h) {
        return "host-" + run + "-" + h;
    }

    /**
     * Removes what a run of Hourglass left: its folder, its types' topics and the control topics (each run starts a new
     * Hourglass, which creates them again). So that every phase meets a broker in the same state: the runs before would
     * otherwise leave hundreds of partitions, and decisions that every component reads at start, and raw produce slowed
     * from round to round on the broker they filled. The control topics are the bench's own to delete: on an external
     * cluster, it refused to start if they were there before it ({@link BenchKafka#controlTopicsHeld}).
     */
    void discard(Path dir) throws Exception {
        kafka.deleteTopics(topics(dir));
        Utils.delete(dir.toFile());
    }

    /** The topics of the run in {@code dir}: its types' and the control topics. */
    private static List<String> topics(Path dir) {
        List<String> topics = new ArrayList<>(Topics.CONTROL);
        RegistryLoader.load(dir.resolve("registry")).all().forEach(t -> topics.add(t.topic()));
        return topics;
    }

    /** The {@code _SUCCESS} of each type's bucket of {@code hour} in the lake under {@code dir}. */
    static List<Path> successes(Path dir, Collection<EventType> types, Instant hour) {
        return types.stream().map(t -> dir.resolve("lake").resolve(new BucketId(t.name(), hour).path())
                .resolve("_SUCCESS")).toList();
    }

    static Manifest manifest(Path success) {
        try {
            return Json.MAPPER.readValue(success.toFile(), Manifest.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
