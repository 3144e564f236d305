package io.hourglass.cli.bench;

import io.hourglass.agent.AgentConfig;
import io.hourglass.agent.HostAgent;
import io.hourglass.cli.standalone.Standalone;
import io.hourglass.client.EventLogger;
import io.hourglass.core.Envelope;
import io.hourglass.core.EnvelopeHeader;
import io.hourglass.core.Hours;
import io.hourglass.core.kafka.EventPack;
import io.hourglass.core.lake.LakeRecords;
import io.hourglass.writer.IdOffsets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * Hosts log live events at a set rate; each event's latency is its Kafka timestamp minus its logged_at. In the main
 * phase an hour ends halfway, and the phase also measures how soon that hour's buckets close.
 */
final class Latency {
    /** Events logged before it are sent but not sampled: connections, metadata, the JIT. */
    private static final Duration WARM_UP = RawKafka.WARM_UP;
    /** How long the phase waits for sampled events still on their way after the last is logged. */
    private static final Duration DRAIN = Duration.ofSeconds(30);
    /** How long after its hour's end plus the grace the bench waits for a bucket to close. */
    private static final Duration HOUR_CLOSE_WAIT = Duration.ofSeconds(60);

    private final Runs runs;

    Latency(Runs runs) {
        this.runs = runs;
    }

    /**
     * A live phase's figures: latency from logged_at to in Kafka, and, if an hour ended during it, how long after
     * that hour's end plus the agents' grace each of its buckets closed.
     */
    record Live(Stats ack, List<Double> ackP99BySecond, Stats hourClose) {
        /** The ack latency's figures, with the p99 of each second of the sampled time. */
        Map<String, Object> ackJson() {
            Map<String, Object> m = ack.json();
            m.put("p99_by_second", ackP99BySecond);
            return m;
        }
    }

    /**
     * The hour that a live phase starting at {@code realStart} makes end halfway: one that starts more than
     * {@code hostTimeout} later, so that no host of an earlier run (one broker, one markers topic) may have logged in
     * it and none holds it open. The hour after the next is not always such: within the timeout of an hour's end, the
     * completionist rightly waits for earlier runs' hosts that heartbeated just before that hour began.
     */
    static Instant hourToClose(Instant realStart, Duration hostTimeout) {
        return Hours.end(Hours.hourOf(realStart.plus(hostTimeout)));
    }

    /**
     * Hosts log live events at {@code rate}; each event's latency is its Kafka timestamp minus its logged_at. With
     * {@code crossHour}, the components, agents and loggers run on a clock set so that an hour ends halfway through
     * the sampled time, and the phase then waits for that hour's buckets to close.
     */
    Live measure(double rate, Duration phase, int typeCount, boolean crossHour) throws Exception {
        BenchCommand.progress("latency with " + typeCount + " types at half the end-to-end maximum (" + (long) rate
                + " events/s), " + phase.toSeconds() + " s after a " + WARM_UP.toSeconds() + " s warm-up"
                + (crossHour ? "; an hour ends halfway, its agents' grace " + Runs.HOUR_CLOSE_GRACE.toSeconds()
                + " s" : ""));
        PhaseClock time = PhaseClock.of(Instant.now(), phase, crossHour);
        Path dir = runs.prepare(typeCount);
        try (Standalone s = runs.standalone(dir, true, time.clock());
             LiveHosts hosts = LiveHosts.start(runs, s, time.clock());
             KafkaConsumer<String, byte[]> c = runs.consumer("bench-latency")) {
            tailEventTopics(c, s);
            Samples samples = log(rate, phase, hosts, runs.events(s.registry()), c, time);
            Stats ack = samples.stats();
            List<Double> bySecond = samples.p99BySecond();
            BenchCommand.progress("p99 from logged_at to in Kafka, by second of the sampled time (ms): " + bySecond);
            return new Live(ack, bySecond, crossHour ? hourClose(s, time.closing(), time.clock())
                    : Stats.of(new long[0], 0, 0));
        } finally {
            runs.discard(dir);
        }
    }

    /**
     * Logs events at {@code rate} for the warm-up and the phase, sampling those logged after the warm-up as they reach
     * Kafka; then waits (up to a limit) for the sampled ones still on their way, so that a stall shows in the
     * percentiles instead of cutting its events out of them.
     */
    private static Samples log(double rate, Duration phase, LiveHosts hosts, BenchEvents gen,
            KafkaConsumer<String, byte[]> c, PhaseClock time) throws IOException {
        long start = System.nanoTime();
        long end = start + phase.toNanos() + WARM_UP.toNanos();
        long drainUntil = end + DRAIN.toNanos();
        Samples samples = new Samples(System.currentTimeMillis() + WARM_UP.toMillis(),
                (int) Math.min(20_000_000, rate * phase.toSeconds() * 2 + 1000));
        long sent = 0;
        long now;
        while ((now = System.nanoTime()) < end || (samples.waiting() && now < drainUntil)) {
            long due = now < end ? (long) ((now - start) / 1e9 * rate) : sent;
            for (; sent < due; sent++) {
                Instant loggedAt = time.clock().instant();
                samples.expect(time.real(loggedAt));
                hosts.log(sent, gen.event(loggedAt));
            }
            for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(5))) {
                for (EnvelopeHeader h : envelopes(r)) {
                    // Kafka's timestamps are the real time; logged_at is the phase's clock.
                    samples.take(h.id(), time.real(h.loggedAt()), r.timestamp(), r.offset());
                }
            }
        }
        if (samples.waiting()) {
            System.out.printf("bench: %d of %d sampled events were not in Kafka %d s after the last was logged; they"
                    + " are left out of the latency figures (see latency_ack_ms.missing)%n",
                    samples.missing(), samples.expected(), DRAIN.toSeconds());
        }
        return samples;
    }

    /** Assigns the consumer every partition of the run's event topics, from their ends. */
    private static void tailEventTopics(KafkaConsumer<String, byte[]> c, Standalone s) {
        List<TopicPartition> parts = new ArrayList<>();
        s.registry().all().forEach(t -> c.partitionsFor(t.topic())
                .forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition()))));
        c.assign(parts);
        c.seekToEnd(parts);
        parts.forEach(c::position);
    }

    /**
     * The clock of a live phase's components, agents and loggers: the real one, or, for a phase in which an hour
     * ends, one shifted so that {@code closing} ends halfway through the sampled time.
     */
    record PhaseClock(Clock clock, Duration shift, Instant closing) {
        static PhaseClock of(Instant realStart, Duration phase, boolean crossHour) {
            Duration shift = Duration.ZERO;
            if (crossHour) {
                Instant hourEnd = Hours.end(hourToClose(realStart, Runs.HOST_TIMEOUT));
                // Whole milliseconds: an event's logged_at may come back from Kafka coarser than the clock gave it,
                // and both must map to the same real millisecond, or an event at the sampling's start is expected
                // and never taken.
                shift = Duration.ofMillis(Duration.between(realStart, hourEnd.minus(WARM_UP)
                        .minus(phase.dividedBy(2))).toMillis());
            }
            return new PhaseClock(Clock.offset(Clock.systemUTC(), shift), shift,
                    Hours.hourOf(realStart.plus(shift)));
        }

        /** The real time, in epoch milliseconds, of an instant on this clock. */
        long real(Instant onClock) {
            return onClock.toEpochMilli() - shift.toMillis();
        }
    }

    /** A live phase's hosts, each with its event logger and its agent. */
    private record LiveHosts(List<EventLogger> loggers, List<HostAgent> agents) implements AutoCloseable {
        static LiveHosts start(Runs runs, Standalone s, Clock clock) {
            Path hostsDir = s.dataDir().resolve("hosts");
            AgentConfig config = AgentConfig.defaults(List.of(URI.create(s.collectorUrl())),
                    s.dataDir().resolve("agent-state")).withHeartbeatInterval(Duration.ofSeconds(1))
                    .withPollInterval(Duration.ofMillis(20)).withGrace(Runs.HOUR_CLOSE_GRACE);
            LiveHosts hosts = new LiveHosts(new ArrayList<>(), new ArrayList<>());
            try {
                for (int h = 0; h < runs.hosts(); h++) {
                    Path log = hostsDir.resolve(runs.host(h));
                    hosts.loggers.add(new EventLogger(log, clock, false));
                    HostAgent a = new HostAgent(runs.host(h), log, config, clock, new SimpleMeterRegistry());
                    hosts.agents.add(a);
                    a.start();
                }
                return hosts;
            } catch (RuntimeException e) {
                hosts.close();  // the hosts started so far
                throw e;
            }
        }

        /** Logs the {@code n}th event of the phase, the hosts taking turns. */
        void log(long n, Envelope event) {
            loggers.get((int) (n % loggers.size())).append(event);
        }

        @Override
        public void close() {
            agents.forEach(HostAgent::stop);
            loggers.forEach(EventLogger::close);
        }
    }

    /**
     * The events logged after the warm-up, up to a limit: each one's latency, and the second of the sampled time it
     * was logged in. An event an agent resent is in Kafka twice: its first copy is its sample, so copies cannot stand
     * in for events still missing.
     */
    private static final class Samples {
        private final long fromMs;
        private final long[] micros;
        private final int[] seconds;
        private final IdOffsets seen = new IdOffsets();
        private int taken;
        private int expected;

        Samples(long fromMs, int limit) {
            this.fromMs = fromMs;
            this.micros = new long[limit];
            this.seconds = new int[limit];
        }

        /** Counts an event just logged at {@code loggedAtMs} (real time) if it is one to sample. */
        void expect(long loggedAtMs) {
            if (loggedAtMs >= fromMs && expected < micros.length) {
                expected++;
            }
        }

        /** Samples an event seen in Kafka, if it is one to sample and its first copy. */
        void take(String id, long loggedAtMs, long kafkaMs, long offset) throws IOException {
            if (taken < expected && loggedAtMs >= fromMs && seen.putIfAbsent(id, offset)) {
                seconds[taken] = (int) ((loggedAtMs - fromMs) / 1000);
                micros[taken++] = (kafkaMs - loggedAtMs) * 1000;
            }
        }

        boolean waiting() {
            return taken < expected;
        }

        int expected() {
            return expected;
        }

        int missing() {
            return expected - taken;
        }

        Stats stats() {
            return Stats.of(micros, taken, missing());
        }

        List<Double> p99BySecond() {
            return Stats.p99BySecond(micros, seconds, taken);
        }
    }

    /**
     * The envelopes of the events in a Kafka record: those of its lake records in a pack, or the one in its header,
     * or in its JSON (collectors before format 2).
     */
    private static List<EnvelopeHeader> envelopes(ConsumerRecord<String, byte[]> r) {
        Header h = r.headers().lastHeader(EnvelopeHeader.KAFKA_HEADER);
        if (h != null && EventPack.isPack(h.value())) {
            return EventPack.read(h.value(), r.value()).records().stream()
                    .map(e -> LakeRecords.envelope(e).header()).toList();
        }
        return List.of((h == null ? Optional.<EnvelopeHeader>empty() : EnvelopeHeader.fromKafkaHeader(r.key(),
                h.value())).orElseGet(() -> EnvelopeHeader.parse(r.value())));
    }

    /**
     * Waits for the buckets of {@code hour} to close, with the agents still running; each bucket's figure is its
     * {@code _SUCCESS} time minus the hour's end plus the agents' grace. One not closed in time counts as missing.
     */
    private static Stats hourClose(Standalone s, Instant hour, Clock clock) throws InterruptedException {
        Instant due = Hours.end(hour).plus(Runs.HOUR_CLOSE_GRACE);
        List<Path> successes = Runs.successes(s.dataDir(), s.registry().all(), hour);
        long deadline = System.nanoTime() + Math.max(0, Duration.between(clock.instant(), due).toNanos())
                + HOUR_CLOSE_WAIT.toNanos();
        while (!successes.stream().allMatch(Files::exists) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        long[] micros = successes.stream().filter(Files::exists)
                .mapToLong(p -> Duration.between(due, Runs.manifest(p).closedAt()).toNanos() / 1000).toArray();
        BenchCommand.progress(String.format("the hour that ended during the phase: %d of %d buckets closed",
                micros.length, successes.size()));
        return Stats.of(micros, micros.length, successes.size() - micros.length);
    }
}
