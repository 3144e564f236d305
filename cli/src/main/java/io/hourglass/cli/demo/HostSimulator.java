package io.hourglass.cli.demo;

import io.hourglass.client.EventLogger;
import io.hourglass.core.Envelope;
import io.hourglass.core.Hours;
import io.hourglass.core.registry.EventType;
import io.hourglass.core.registry.Registry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * A simulated host: logs events of the registry's types into its host event log through the client library, for
 * past hours (a backlog) or now.
 */
public final class HostSimulator implements AutoCloseable {
    private final String host;
    private final EventLogger logger;
    private final List<EventType> types;
    private final RandomGenerator random;

    public HostSimulator(Path hostsDir, String host, Registry registry, Clock clock, RandomGenerator random) {
        this.host = host;
        this.logger = new EventLogger(hostsDir.resolve(host), clock, false);
        this.types = List.copyOf(registry.all());
        this.random = random;
    }

    public String host() {
        return host;
    }

    /** Logs {@code events} events spread over {@code hour}; every {@code duplicateEvery}-th is logged twice. */
    public long logHour(Instant hour, int events, int duplicateEvery) {
        long lines = 0;
        for (int i = 0; i < events; i++) {
            Instant at = hour.plusMillis((long) i * Duration.ofHours(1).toMillis() / events + random.nextInt(1000));
            Envelope e = event(Hours.hourOf(at).equals(hour) ? at : hour, at.minusMillis(random.nextInt(5000)));
            logger.append(e);
            lines++;
            if (duplicateEvery > 0 && i % duplicateEvery == duplicateEvery - 1) {
                logger.append(e);  // a client that retried a write it thought had failed
                lines++;
            }
        }
        return lines;
    }

    /** Logs one event now, with the client library's clock. */
    public void logNow() {
        EventType t = types.get(random.nextInt(types.size()));
        logger.log(t.name(), t.latestVersion(), SamplePayloads.of(t.schema(t.latestVersion()).orElseThrow(), random));
    }

    private Envelope event(Instant loggedAt, Instant eventTime) {
        EventType t = types.get(random.nextInt(types.size()));
        int version = t.latestVersion();
        return new Envelope(UUID.randomUUID().toString(), t.name(), version, eventTime, loggedAt, null, null, false,
                SamplePayloads.of(t.schema(version).orElseThrow(), random));
    }

    @Override
    public void close() {
        logger.close();
    }
}
