package io.hourglass.cli.bench;

import io.hourglass.agent.AgentConfig;
import io.hourglass.agent.HostAgent;
import io.hourglass.cli.standalone.Standalone;
import io.hourglass.client.EventLogger;
import io.hourglass.collector.Collector;
import io.hourglass.core.Hours;
import io.hourglass.core.Json;
import io.hourglass.core.control.Seal;
import io.hourglass.core.kafka.Topics;
import io.hourglass.core.registry.Registry;
import io.hourglass.core.registry.RegistryLoader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Hourglass's throughput: the collector's HTTP ingest alone, end to end, and the writers alone. */
final class Throughput {
    private static final int INGEST_BATCHES = 100;
    /** As many events as an agent sends in one request. */
    private static final int INGEST_BATCH_EVENTS = AgentConfig.DEFAULT_BATCH_MAX_EVENTS;
    private static final Duration CLOSE_TIMEOUT = Duration.ofMinutes(10);

    private final Runs runs;
    private final Settle settle;

    Throughput(Runs runs, Settle settle) {
        this.runs = runs;
        this.settle = settle;
    }

    /** {@code heapPeakMb}: most heap held after a GC; {@code heapPoolsPeakMb}: sum of pool peaks, garbage included. */
    record E2e(double logEps, double eps, double closeDelaySeconds, Stats closeDelays, double cpuPerMillion,
               Map<String, Double> cpuShares, double heapPeakMb, double heapPoolsPeakMb) {
        /** The JIT is still compiling minutes into a bench (a cost a long-running JVM pays once), so also without. */
        double cpuPerMillionWithoutJit() {
            return cpuPerMillion * (1 - cpuShares.getOrDefault("jit", 0.0));
        }
    }

    /** The writers' figures: events per second from their start to the last bucket closed, and CPU per event. */
    record WritersAlone(double eps, double cpuPerMillion, Map<String, Double> cpuShares) {
    }

    /** {@code count} events of a past hour in the hosts' logs, written by the client library. */
    private record Backlog(Registry registry, Instant hour, long total, double logEps) {
        List<Path> successes(Path dir) {
            return Runs.successes(dir, registry.all(), hour);
        }
    }

    /**
     * Batches of NDJSON, made and compressed as agents make them, sent as agents send them (as many in flight per host,
     * summary answers) straight to a collector with no writer running, in a warm JVM. The batches are made before the
     * clock starts, so the figure is the collector's (and Kafka's) and not the cost of making events; if the senders
     * get through them all, they send them again (the collector is stateless).
     */
    double ingest(Duration phase, int typeCount) throws Exception {
        Path dir = runs.prepare(typeCount);
        try (Standalone s = runs.standalone(dir, false)) {
            List<byte[]> bodies = ingestBodies(runs.events(s.registry()));
            HttpClient http = HttpClient.newHttpClient();
            URI uri = URI.create(s.collectorUrl() + "/v1/events");
            AtomicLong accepted = new AtomicLong();
            AtomicInteger next = new AtomicInteger();
            settle.beforeTimedPhase();  // the making of the bodies is not the collector's
            long end = System.nanoTime() + phase.toNanos();
            long start = System.nanoTime();
            List<Thread> senders = new ArrayList<>();
            for (int h = 0; h < runs.hosts() * AgentConfig.DEFAULT_MAX_IN_FLIGHT; h++) {
                String host = "bench-" + h % runs.hosts();
                Thread t = new Thread(() -> {
                    while (System.nanoTime() < end) {
                        byte[] body = bodies.get(Math.floorMod(next.getAndIncrement(), bodies.size()));
                        try {
                            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri)
                                    .header("Content-Encoding", AgentConfig.DEFAULT_COMPRESSION.token())
                                    .header("Hourglass-Host", host)
                                    .header(Collector.ANSWER_HEADER, Collector.SUMMARY)
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 200) {
                                accepted.addAndGet(Json.MAPPER.readTree(r.body()).path("accepted").asLong());
                            }
                        } catch (IOException e) {
                            // counted as not accepted
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                senders.add(t);
                t.start();
            }
            for (Thread t : senders) {
                t.join();
            }
            return accepted.get() / ((System.nanoTime() - start) / 1e9);
        } finally {
            runs.discard(dir);
        }
    }

    private static List<byte[]> ingestBodies(BenchEvents gen) throws IOException {
        Instant past = Hours.hourOf(Instant.now()).minus(Duration.ofHours(3));
        List<byte[]> bodies = new ArrayList<>();
        for (int b = 0; b < INGEST_BATCHES; b++) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            try (OutputStream out = AgentConfig.DEFAULT_COMPRESSION.compress(body)) {
                for (int i = 0; i < INGEST_BATCH_EVENTS; i++) {
                    out.write(gen.event(past).toBytes());
                    out.write('\n');
                }
            }
            bodies.add(body.toByteArray());
        }
        return bodies;
    }

    /**
     * A backlog of {@code count} events of a past hour, written by the client library, then shipped by one agent
     * per host through the collector and Kafka to the writers, until every bucket of the hour is closed.
     */
    E2e endToEnd(int typeCount, int count) throws Exception {
        return endToEnd(typeCount, count, true);
    }

    /** An untimed end-to-end run in which the JIT compiles Hourglass's paths: it need not wait for the JIT first. */
    void warmUp(int typeCount, int count) throws Exception {
        endToEnd(typeCount, count, false);
    }

    private E2e endToEnd(int typeCount, int count, boolean timed) throws Exception {
        Path dir = runs.prepare(typeCount);
        try {
            return endToEnd(dir, typeCount, count, timed);
        } finally {
            runs.discard(dir);
        }
    }

    private E2e endToEnd(Path dir, int typeCount, int count, boolean timed) throws Exception {
        Backlog b = backlog(dir, count);
        // Components start first (topic creation is not throughput); the clock runs from the agents' start.
        List<HostAgent> agents = new ArrayList<>();
        try (Standalone s = runs.standalone(dir, true);
             AutoCloseable stopAgents = () -> agents.forEach(HostAgent::stop);
             LiveHeap live = new LiveHeap()) {
            if (timed) {
                settle.beforeTimedPhase();
            }
            ProcessGauges.resetPeaks();
            double cpu0 = ProcessGauges.cpuSeconds();
            ComponentCpu byComponent = ComponentCpu.begin();
            long start = System.nanoTime();
            startAgents(s, dir, agents);
            long allAcked = 0;
            Instant allAckedAt = null;
            List<Path> successes = b.successes(dir);
            long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
            while (!successes.stream().allMatch(Files::exists)) {
                if (allAcked == 0 && acknowledged(s) >= b.total()) {
                    allAcked = System.nanoTime();
                    allAckedAt = Instant.now();
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("buckets did not close within " + CLOSE_TIMEOUT.toMinutes()
                            + " minutes");
                }
                Thread.sleep(20);
            }
            long closed = System.nanoTime();
            double cpu = ProcessGauges.cpuSeconds() - cpu0;
            Map<String, Double> shares = byComponent.shares();
            double heap = ProcessGauges.heapPeakMb();
            double liveHeap = live.peakMb();
            checkClosed(successes, b.total());
            double seconds = (closed - start) / 1e9;
            double toKafka = allAcked == 0 ? seconds : (allAcked - start) / 1e9;
            BenchCommand.progress(String.format("%d types: %d events in Kafka after %.1f s, every bucket closed after"
                    + " %.1f s", typeCount, b.total(), toKafka, seconds));
            return new E2e(b.logEps(), b.total() / seconds, seconds - toKafka, closeDelays(successes, allAckedAt),
                    cpu / b.total() * 1e6, shares, liveHeap, heap);
        }
    }

    /**
     * The writers alone: the backlog is shipped into Kafka and its hour sealed first, untimed, with no writer
     * running; then the writers start, and the clock runs until every bucket is closed (consume, stage, dedup, and
     * write the final files).
     */
    WritersAlone writersAlone(int typeCount, int count) throws Exception {
        Path dir = runs.prepare(typeCount);
        try {
            Backlog b = backlog(dir, count);
            List<HostAgent> agents = new ArrayList<>();
            try (Standalone s = runs.standalone(dir, false);
                 AutoCloseable stopAgents = () -> agents.forEach(HostAgent::stop)) {
                startAgents(s, dir, agents);
                awaitSealed(b);
                settle.beforeTimedPhase();  // the untimed shipping is not the writers'
                double cpu0 = ProcessGauges.cpuSeconds();
                ComponentCpu byComponent = ComponentCpu.begin();
                long start = System.nanoTime();
                s.startWriters();
                List<Path> successes = b.successes(dir);
                long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
                while (!successes.stream().allMatch(Files::exists)) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("buckets did not close within " + CLOSE_TIMEOUT.toMinutes()
                                + " minutes");
                    }
                    Thread.sleep(20);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                double cpu = ProcessGauges.cpuSeconds() - cpu0;
                Map<String, Double> shares = byComponent.shares();
                checkClosed(successes, b.total());
                BenchCommand.progress(String.format("writers alone: %d events of %d types in final files after %.1f s",
                        b.total(), typeCount, seconds));
                return new WritersAlone(b.total() / seconds, cpu / b.total() * 1e6, shares);
            }
        } finally {
            runs.discard(dir);
        }
    }

    private Backlog backlog(Path dir, int count) throws IOException {
        Registry registry = RegistryLoader.load(dir.resolve("registry"));
        BenchEvents gen = runs.events(registry);
        Instant hour = Hours.hourOf(Instant.now()).minus(Duration.ofHours(2));
        int hosts = runs.hosts();
        long logStart = System.nanoTime();
        long total = (long) count / hosts * hosts;
        for (int h = 0; h < hosts; h++) {
            try (EventLogger logger = new EventLogger(dir.resolve("hosts").resolve(runs.host(h)), Clock.systemUTC(),
                    false)) {
                for (int i = 0; i < count / hosts; i++) {
                    logger.append(gen.event(hour.plusMillis(i % 3_600_000L)));
                }
            }
        }
        return new Backlog(registry, hour, total, total / ((System.nanoTime() - logStart) / 1e9));
    }

    /** One agent per host, shipping the backlog to the collector of {@code s}. */
    private void startAgents(Standalone s, Path dir, List<HostAgent> agents) {
        AgentConfig config = AgentConfig.defaults(List.of(URI.create(s.collectorUrl())), dir.resolve("agent-state"))
                .withBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .withHeartbeatInterval(Duration.ofSeconds(1));
        for (int h = 0; h < runs.hosts(); h++) {
            HostAgent a = new HostAgent(runs.host(h), dir.resolve("hosts").resolve(runs.host(h)), config,
                    Clock.systemUTC(), new SimpleMeterRegistry());
            agents.add(a);
            a.start();
        }
    }

    /** Events the collector answered for after Kafka acknowledged them, copies an agent resent included. */
    private static double acknowledged(Standalone s) {
        return s.metrics().find("hourglass_collector_events_total").counters().stream().mapToDouble(Counter::count)
                .sum();
    }

    /** Waits until every bucket of the backlog's hour is sealed: agents mark an hour once Kafka has all its events. */
    private void awaitSealed(Backlog b) throws InterruptedException {
        Set<String> types = new HashSet<>();
        b.registry().all().forEach(t -> types.add(t.name()));
        Set<String> sealed = new HashSet<>();
        long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
        try (KafkaConsumer<String, byte[]> c = runs.consumer("bench-seals")) {
            List<TopicPartition> parts = c.partitionsFor(Topics.SEALS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            while (!sealed.containsAll(types)) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
                    Seal seal = Json.fromBytes(r.value(), Seal.class);
                    if (types.contains(seal.type()) && seal.hour().equals(b.hour())) {
                        sealed.add(seal.type());
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the backlog's hour was not sealed within "
                            + CLOSE_TIMEOUT.toMinutes() + " minutes");
                }
            }
        }
    }

    /** From the last event in Kafka (as seen by polling every 100 ms) to each bucket's {@code _SUCCESS}. */
    private static Stats closeDelays(List<Path> successes, Instant allInKafka) {
        if (allInKafka == null) {
            return Stats.of(new long[0], 0, successes.size());
        }
        long[] micros = successes.stream().mapToLong(p -> Duration.between(allInKafka, Runs.manifest(p).closedAt())
                .toNanos() / 1000).toArray();
        return Stats.of(micros, micros.length, 0);
    }

    private static void checkClosed(List<Path> successes, long total) {
        long inBuckets = successes.stream().mapToLong(p -> Runs.manifest(p).events()).sum();
        if (inBuckets != total) {
            throw new IllegalStateException("the closed buckets hold " + inBuckets + " events, not " + total);
        }
    }
}
