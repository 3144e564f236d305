package io.hourglass.cli.bench;

import io.hourglass.agent.AgentConfig;
import io.hourglass.agent.HostAgent;
import io.hourglass.cli.DurationConverter;
import io.hourglass.cli.kafka.KafkaNode;
import io.hourglass.cli.standalone.Standalone;
import io.hourglass.cli.standalone.StandaloneConfig;
import io.hourglass.client.EventLogger;
import io.hourglass.collector.Collector;
import io.hourglass.collector.ProducerSizing;
import io.hourglass.core.EnvelopeHeader;
import io.hourglass.core.Hours;
import io.hourglass.core.Json;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.Manifest;
import io.hourglass.core.control.Seal;
import io.hourglass.core.kafka.EventPack;
import io.hourglass.core.kafka.KafkaSettings;
import io.hourglass.core.kafka.TopicAdmin;
import io.hourglass.core.kafka.Topics;
import io.hourglass.core.lake.LakeRecords;
import io.hourglass.core.registry.EventType;
import io.hourglass.core.registry.Registry;
import io.hourglass.core.registry.RegistryLoader;
import io.hourglass.writer.IdOffsets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
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
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.utils.Utils;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hourglass bench}: Hourglass's throughput and latency as ratios of raw Kafka's, measured on the same broker
 * in the same run.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure Hourglass against raw Kafka produce and consume on the same broker.")
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--duration", defaultValue = "60s", converter = DurationConverter.class,
            description = "Time shared out among the raw Kafka, ingest and latency phases; each end-to-end run"
                    + " takes as long as its events need (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--event-size", defaultValue = "300",
            description = "Bytes per event as JSON (default: ${DEFAULT-VALUE}).")
    int eventSize;

    @Option(names = "--types", defaultValue = "10",
            description = "Event types in the main run (default: ${DEFAULT-VALUE}).")
    int types;

    @Option(names = "--type-counts", defaultValue = "1,10,100", split = ",",
            description = "Type counts for the scaling runs (default: ${DEFAULT-VALUE}).")
    List<Integer> typeCounts;

    @Option(names = "--partitions", defaultValue = "3",
            description = "Partitions per event topic, raw and end to end alike (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--hosts", defaultValue = "4",
            description = "Hosts, agents and HTTP senders (default: ${DEFAULT-VALUE}).")
    int hosts;

    @Option(names = "--events", defaultValue = "1000000",
            description = "Events per end-to-end run; enough that start-up and the final close do not dominate"
                    + " (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--warm-up-events", defaultValue = "600000",
            description = "Events of the untimed end-to-end run before the rounds, in which the JIT compiles"
                    + " Hourglass's paths; 0 for none (default: ${DEFAULT-VALUE}).")
    int warmUpEvents;

    @Option(names = "--rounds", defaultValue = "3",
            description = "Rounds of raw Kafka produce, each followed by an end-to-end run with --types; the headline"
                    + " figures are the round with the median ratio (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--kafka", description = "Bootstrap servers of an external Kafka cluster of the bench's own; it"
            + " refuses one that holds Hourglass's control topics (default: an embedded broker).")
    String externalKafka;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Also write the figures as JSON to this file.")
    Path json;

    private static final Duration WARM_UP = Duration.ofSeconds(3);
    private static final Duration LATENCY_DRAIN = Duration.ofSeconds(30);
    /** The agents' grace in the live phase whose hour ends halfway: short, so that the bench need not wait. */
    private static final Duration HOUR_CLOSE_GRACE = Duration.ofSeconds(5);
    /** How long after its hour's end plus the grace the bench waits for a bucket to close. */
    private static final Duration HOUR_CLOSE_WAIT = Duration.ofSeconds(60);
    /** The completionist's host timeout in the bench's runs. */
    private static final Duration HOST_TIMEOUT = Duration.ofSeconds(30);
    private static final int INGEST_BATCHES = 100;
    /** As many events as an agent sends in one request. */
    private static final int INGEST_BATCH_EVENTS = AgentConfig.DEFAULT_BATCH_MAX_EVENTS;

    private Path work;
    private String bootstrap;
    private int run;

    @Override
    public Integer call() throws Exception {
        String invalid = invalidOptions();
        if (invalid != null) {
            spec.commandLine().getErr().println("bench: " + invalid);
            return 2;
        }
        if (externalKafka != null) {
            bootstrap = externalKafka;
            List<String> held = controlTopicsHeld();
            if (!held.isEmpty()) {
                spec.commandLine().getErr().println("bench: the cluster at " + externalKafka + " holds Hourglass's"
                        + " control topics " + held + ". A deployment may use it, and the bench's runs would mix"
                        + " their markers and decisions with its, then delete them. Give the bench a cluster of its"
                        + " own; if a stopped bench run left these topics, delete them first.");
                return 2;
            }
        }
        work = Files.createTempDirectory("hourglass-bench");
        KafkaNode.Server kafka = null;
        if (externalKafka == null) {
            KafkaNode node = KafkaNode.single(work.resolve("kafka"), 0);
            // A deleted topic's files go at once, not a minute later in some other phase (see deleteTopics).
            kafka = node.server(Map.of("log.segment.delete.delay.ms", "0"));
            kafka.start();
            bootstrap = node.bootstrap();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            Duration phase = duration.dividedBy(6).compareTo(Duration.ofSeconds(5)) < 0 ? Duration.ofSeconds(5)
                    : duration.dividedBy(6);
            progress("raw Kafka produce, then consume (the consume baseline), " + types + " topics, "
                    + phase.toSeconds() + " s");
            double consumeEps = rawConsume(phase, types);
            out.put("kafka_consume_eps", consumeEps);
            out.put("kafka_consume_mbps", mb(consumeEps));

            // Like the raw baseline's warm-up: the JIT compiles Hourglass's paths before anything is timed.
            if (warmUpEvents > 0) {
                progress("warm-up: end to end with " + types + " types, " + warmUpEvents + " events, not reported");
                endToEnd(types, warmUpEvents);
            }
            progress("collector HTTP ingest alone, " + phase.toSeconds() + " s");
            double ingest = ingest(phase);
            List<Round> measured = new ArrayList<>();
            for (int r = 1; r <= rounds; r++) {
                // Every round measures raw produce anew, the first too: the first raw phase ran in a cold JVM (its
                // CPU per event about twice the later ones'), a low denominator that favoured the first round.
                progress("round " + r + " of " + rounds + ": raw Kafka produce, " + types + " topics, "
                        + phase.toSeconds() + " s");
                RawProduced produce = produceRaw(phase, types);
                deleteTopics(produce.topics());
                progress("round " + r + " of " + rounds + ": client library writing host logs");
                measured.add(new Round(produce, endToEnd(types, events)));
            }
            Round headline = Round.median(measured);
            E2e main = headline.e2e();
            out.put("kafka_produce_eps", headline.produceEps());
            out.put("kafka_produce_mbps", mb(headline.produceEps()));
            out.put("kafka_produce_cpu_s_per_million_events", headline.raw().cpuPerMillion());
            out.put("kafka_produce_cpu_share", headline.raw().cpuShares());
            out.put("ingest_eps", ingest);
            out.put("ratio_ingest_to_produce", ingest / headline.produceEps());
            out.put("client_log_eps", main.logEps());
            out.put("e2e_eps", main.eps());
            out.put("e2e_mbps", mb(main.eps()));
            out.put("ratio_e2e_to_produce", headline.ratio());
            out.put("ratio_e2e_to_consume", main.eps() / consumeEps);
            out.put("headline_round", measured.indexOf(headline) + 1);
            out.put("rounds", measured.stream().map(Round::json).toList());
            out.put("bucket_close_delay_s", main.closeDelaySeconds());
            out.put("bucket_close_ms", main.closeDelays().json());
            out.put("cpu_s_per_million_events", main.cpuPerMillion());
            out.put("cpu_s_per_million_events_without_jit", main.cpuPerMillionWithoutJit());
            out.put("cpu_share", main.cpuShares());
            out.put("heap_peak_mb", main.heapPeakMb());
            out.put("heap_pools_peak_mb", main.heapPoolsPeakMb());
            out.put("max_heap_mb", Runtime.getRuntime().maxMemory() / 1048576.0);
            out.put("rss_peak_mb", ProcessGauges.rssPeakMb());

            progress("writers alone: " + types + " types, " + events + " events already in Kafka and sealed");
            WritersAlone writers = writersAlone(types, events);
            out.put("writer_eps", writers.eps());
            out.put("ratio_writer_to_consume", writers.eps() / consumeEps);
            out.put("writer_cpu_s_per_million_events", writers.cpuPerMillion());
            out.put("writer_cpu_share", writers.cpuShares());

            double half = main.eps() / 2;
            Live mainLive = latency(half, phase, types, true);
            out.put("latency_ack_ms", mainLive.ackJson());
            out.put("latency_rate_eps", half);
            out.put("hour_close_ms", mainLive.hourClose().json());
            out.put("hour_close_grace_s", HOUR_CLOSE_GRACE.toSeconds());

            Map<String, Object> scaling = new LinkedHashMap<>();
            for (int n : typeCounts) {
                Round round = headline;  // the run with --types is the headline round; it is not run again
                Live latency = mainLive;
                if (n != types) {
                    progress("raw Kafka produce with " + n + " topics, " + phase.toSeconds() + " s");
                    RawProduced produce = produceRaw(phase, n);
                    deleteTopics(produce.topics());
                    progress("end to end with " + n + " types");
                    round = new Round(produce, endToEnd(n, events));
                    latency = latency(round.e2e().eps() / 2, phase, n, false);
                }
                E2e e = round.e2e();
                Map<String, Object> byCount = new LinkedHashMap<>(round.json());
                byCount.put("cpu_share", e.cpuShares());
                byCount.put("heap_peak_mb", e.heapPeakMb());
                byCount.put("latency_ack_ms", latency.ackJson());
                byCount.put("latency_rate_eps", e.eps() / 2);
                byCount.put("bucket_close_ms", e.closeDelays().json());
                scaling.put(Integer.toString(n), byCount);
            }
            out.put("by_type_count", scaling);
            out.put("event_size_bytes", eventSize);
            out.put("events_per_e2e_run", events);
            out.put("hosts", hosts);
            out.put("cores", Runtime.getRuntime().availableProcessors());
            // The JIT's and the collector's flags move the figures (docs/performance.md): say which ones ran.
            out.put("jvm", Map.of("version", Runtime.version().toString(),
                    "args", ManagementFactory.getRuntimeMXBean().getInputArguments()));
            print(out);
            if (json != null) {
                Files.write(json, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(out));
            }
            return 0;
        } finally {
            if (kafka != null) {
                kafka.stop();
            }
            Utils.delete(work.toFile());  // a full run leaves gigabytes of logs, topics and buckets
        }
    }

    /** What is wrong with the options, or null. */
    String invalidOptions() {
        if (rounds < 1 || types < 1 || hosts < 1 || partitions < 1) {
            return "--rounds, --types, --hosts and --partitions must be at least 1";
        }
        if (warmUpEvents < 0 || warmUpEvents > 0 && warmUpEvents < hosts) {
            return "--warm-up-events must be 0 or at least --hosts (" + hosts + ")";
        }
        if (events < hosts) {
            return "--events must be at least --hosts (" + hosts + ")";
        }
        if (typeCounts.stream().anyMatch(n -> n < 1)) {
            return "--type-counts must all be at least 1";
        }
        if (eventSize < 1 || duration.isNegative() || duration.isZero()) {
            return "--event-size and --duration must be positive";
        }
        return null;
    }

    private double mb(double eps) {
        return eps * eventSize / 1e6;
    }

    private static void progress(String what) {
        System.out.println("bench: " + what + "...");
    }

    /** Raw Kafka produce, then Hourglass end to end on the same broker right after it. */
    private record Round(RawProduced raw, E2e e2e) {
        double produceEps() {
            return raw.eps();
        }

        double ratio() {
            return e2e.eps() / produceEps();
        }

        /** The round whose ratio is the median (the lower of the middle two for an even count). */
        static Round median(List<Round> rounds) {
            List<Round> byRatio = rounds.stream().sorted(Comparator.comparingDouble(Round::ratio)).toList();
            return byRatio.get((byRatio.size() - 1) / 2);
        }

        Map<String, Object> json() {
            return Map.of("kafka_produce_eps", produceEps(), "e2e_eps", e2e.eps(), "ratio_e2e_to_produce", ratio(),
                    "cpu_s_per_million_events", e2e.cpuPerMillion(), "cpu_s_per_million_events_without_jit",
                    e2e.cpuPerMillionWithoutJit(), "jit_share", e2e.cpuShares().getOrDefault("jit", 0.0),
                    "kafka_produce_cpu_s_per_million_events", raw.cpuPerMillion(), "kafka_produce_cpu_share",
                    raw.cpuShares(), "cpu_share", e2e.cpuShares());
        }
    }

    /**
     * What a raw produce phase made: its topics, the events Kafka acknowledged, their rate, the process's CPU seconds
     * per million of them (producer, broker, GC and JIT alike, as for Hourglass's figure), and how that CPU split: the
     * raw producer counts as the bench driver. The split tells a phase slowed by the JIT or GC from a slow machine.
     */
    private record RawProduced(List<String> topics, long events, double eps, double cpuPerMillion,
                               Map<String, Double> cpuShares) {
    }

    /**
     * A plain producer (the collector's settings: acks=all, idempotent, snappy, its linger for as many partitions),
     * the same events, each keyed by its id, over {@code typeCount} new topics of {@code --partitions} partitions, as
     * the collector spreads events.
     */
    private RawProduced produceRaw(Duration phase, int typeCount) throws Exception {
        KafkaSettings kafka = benchKafka();
        String prefix = "bench.raw." + System.nanoTime() + ".";
        List<String> topics = new ArrayList<>();
        try (Admin admin = Admin.create(kafka.admin("bench"))) {
            List<NewTopic> create = new ArrayList<>();
            for (int t = 0; t < typeCount; t++) {
                topics.add(prefix + t);
                create.add(new NewTopic(prefix + t, partitions, (short) 1));
            }
            admin.createTopics(create).all().get(60, TimeUnit.SECONDS);
            TopicAdmin.awaitLeaders(admin, topics);
        }
        BenchEvents gen = new BenchEvents(typeCount, eventSize);
        // Made before the clock starts, as Hourglass's events are logged before its clock starts. See
        // docs/performance.md, "The raw producer's keys", for why each is keyed by its own id.
        BenchEvents.RawRecords records = gen.rawRecords(4096);
        AtomicLong acked = new AtomicLong();
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(kafka.bulkProducer("bench-raw", 1,
                ProducerSizing.forPartitions(typeCount * partitions).lingerMs()))) {
            produce(p, topics, records, WARM_UP, new AtomicLong());  // metadata, connections, JIT: not timed
            // As before each of Hourglass's timed runs: the phase pays for its own garbage, not for the last phase's.
            System.gc();
            long start = System.nanoTime();
            double cpuStart = ProcessGauges.cpuSeconds();
            ComponentCpu byComponent = ComponentCpu.begin();
            produce(p, topics, records, phase, acked);
            double cpu = ProcessGauges.cpuSeconds() - cpuStart;
            return new RawProduced(topics, acked.get(), acked.get() / ((System.nanoTime() - start) / 1e9),
                    cpu / acked.get() * 1e6, byComponent.shares());
        }
    }

    /** A raw produce phase, then a plain consumer reading back what it produced: its events per second. */
    private double rawConsume(Duration phase, int typeCount) throws Exception {
        RawProduced produced = produceRaw(phase, typeCount);
        KafkaSettings kafka = benchKafka();
        long consumed = 0;
        long cStart = System.nanoTime();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(kafka.consumer("bench-raw-c", null))) {
            List<TopicPartition> parts = new ArrayList<>();
            produced.topics().forEach(t -> c.partitionsFor(t)
                    .forEach(p -> parts.add(new TopicPartition(t, p.partition()))));
            c.assign(parts);
            c.seekToBeginning(parts);
            while (consumed < produced.events()) {
                consumed += c.poll(Duration.ofMillis(500)).count();
            }
        }
        double eps = consumed / ((System.nanoTime() - cStart) / 1e9);
        deleteTopics(produced.topics());
        return eps;
    }

    /**
     * Removes what a run of Hourglass left: its folder, its types' topics and the control topics (each run starts a new
     * Hourglass, which creates them again). So that every phase meets a broker in the same state: the runs before would
     * otherwise leave hundreds of partitions, and decisions that every component reads at start, and raw produce slowed
     * from round to round on the broker they filled. The control topics are the bench's own to delete: on an external
     * cluster, it refused to start if they were there before it ({@link #controlTopicsHeld}).
     */
    private void discardRun(Path dir) throws Exception {
        List<String> topics = new ArrayList<>(Topics.CONTROL);
        RegistryLoader.load(dir.resolve("registry")).all().forEach(t -> topics.add(t.topic()));
        deleteTopics(topics);
        Utils.delete(dir.toFile());
    }

    /**
     * Deletes the bench's own topics once a phase is done with them; those that do not exist are no error. On the
     * embedded broker, waits until their files are gone too: removing a gigabyte of logs stalled a later phase's
     * events for a second when Kafka did it a minute after the deletion, its default.
     */
    private void deleteTopics(Collection<String> topics) throws Exception {
        try (Admin admin = Admin.create(benchKafka().admin("bench"))) {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<String> delete = topics.stream().filter(existing::contains).toList();
            admin.deleteTopics(delete).all().get(60, TimeUnit.SECONDS);
        }
        if (externalKafka == null) {
            Path logs = work.resolve("kafka");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (hasDeletedLogs(logs)) {
                if (System.nanoTime() > deadline) {
                    progress("Kafka still holds files of deleted topics after 60 s; going on, but the next phase"
                            + " may pay for their removal");
                    break;
                }
                Thread.sleep(100);
            }
        }
    }

    /**
     * The control topics an external cluster holds before the bench starts: a deployment's, whose markers and decisions
     * the bench's runs would read, mix with their own and then delete, or those a stopped bench run left.
     */
    private List<String> controlTopicsHeld() throws Exception {
        try (Admin admin = Admin.create(benchKafka().admin("bench"))) {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            return Topics.CONTROL.stream().filter(existing::contains).toList();
        }
    }

    /** The settings of the bench's own clients: one replica, {@code --partitions} a topic. */
    private KafkaSettings benchKafka() {
        return new KafkaSettings(bootstrap, partitions, (short) 1, 1);
    }

    /** Whether Kafka still holds logs of deleted topics: it renames their folders to end in "-delete" first. */
    private static boolean hasDeletedLogs(Path logs) throws IOException {
        try (Stream<Path> dirs = Files.list(logs)) {
            return dirs.anyMatch(d -> d.getFileName().toString().endsWith("-delete"));
        }
    }

    private static void produce(KafkaProducer<String, byte[]> p, List<String> topics, BenchEvents.RawRecords records,
                                Duration howLong, AtomicLong acked) {
        String[] keys = records.keys();
        byte[][] values = records.values();
        long end = System.nanoTime() + howLong.toNanos();
        for (int i = 0; System.nanoTime() < end; i++) {
            p.send(new ProducerRecord<>(topics.get(i % topics.size()), keys[i % keys.length],
                    values[i % values.length]), (md, e) -> {
                        if (e == null) {
                            acked.incrementAndGet();
                        }
                    });
        }
        p.flush();
    }

    private Path prepare(int typeCount) throws IOException {
        Path dir = work.resolve("run-" + (++run));
        BenchEvents.writeRegistry(dir.resolve("registry"), "B" + run + "x", typeCount, eventSize);
        return dir;
    }

    private Standalone standalone(Path dir, boolean writers) {
        return standalone(dir, writers, Clock.systemUTC());
    }

    private Standalone standalone(Path dir, boolean writers, Clock clock) {
        // Agents heartbeat every second here, so the completionist's start-up grace is two seconds.
        StandaloneConfig config = StandaloneConfig.defaults(dir, dir.resolve("registry")).withPorts(0, 0)
                .withClock(clock, Duration.ofSeconds(1), HOST_TIMEOUT).withAgentGrace(HOUR_CLOSE_GRACE)
                .withExternalKafka(bootstrap, 1).withEventPartitions(partitions).withoutAgents();
        return new Standalone(writers ? config : config.withoutWriters()).start();
    }

    /**
     * Batches of NDJSON, made and compressed as agents make them, sent as agents send them (as many in flight per host,
     * summary answers) straight to a collector with no writer running, in a warm JVM. The batches are made before the
     * clock starts, so the figure is the collector's (and Kafka's) and not the cost of making events; if the senders
     * get through them all, they send them again (the collector is stateless).
     */
    private double ingest(Duration phase) throws Exception {
        Path dir = prepare(types);
        try (Standalone s = standalone(dir, false)) {
            BenchEvents gen = new BenchEvents(s.registry(), eventSize);
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
            HttpClient http = HttpClient.newHttpClient();
            URI uri = URI.create(s.collectorUrl() + "/v1/events");
            AtomicLong accepted = new AtomicLong();
            AtomicInteger next = new AtomicInteger();
            System.gc();  // the making of the bodies is not the collector's
            long end = System.nanoTime() + phase.toNanos();
            long start = System.nanoTime();
            List<Thread> senders = new ArrayList<>();
            for (int h = 0; h < hosts * AgentConfig.DEFAULT_MAX_IN_FLIGHT; h++) {
                String host = "bench-" + h % hosts;
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
            discardRun(dir);
        }
    }

    /** {@code heapPeakMb}: most heap held after a GC; {@code heapPoolsPeakMb}: sum of pool peaks, garbage included. */
    private record E2e(double logEps, double eps, double closeDelaySeconds, Stats closeDelays, double cpuPerMillion,
                       Map<String, Double> cpuShares, double heapPeakMb, double heapPoolsPeakMb) {
        /** The JIT is still compiling minutes into a bench (a cost a long-running JVM pays once), so also without. */
        double cpuPerMillionWithoutJit() {
            return cpuPerMillion * (1 - cpuShares.getOrDefault("jit", 0.0));
        }
    }

    /**
     * A backlog of {@code count} events of a past hour, written by the client library, then shipped by one agent
     * per host through the collector and Kafka to the writers, until every bucket of the hour is closed.
     */
    private E2e endToEnd(int typeCount, int count) throws Exception {
        Path dir = prepare(typeCount);
        try {
            return endToEnd(dir, typeCount, count);
        } finally {
            discardRun(dir);
        }
    }

    /** {@code count} events of a past hour in the hosts' logs, written by the client library. */
    private record Backlog(Registry registry, Instant hour, long total, double logEps) {
    }

    private Backlog backlog(Path dir, int count) throws IOException {
        Registry registry = RegistryLoader.load(dir.resolve("registry"));
        BenchEvents gen = new BenchEvents(registry, eventSize);
        Instant hour = Hours.hourOf(Instant.now()).minus(Duration.ofHours(2));
        long logStart = System.nanoTime();
        long total = (long) count / hosts * hosts;
        for (int h = 0; h < hosts; h++) {
            try (EventLogger logger = new EventLogger(dir.resolve("hosts").resolve(host(h)), Clock.systemUTC(),
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
        for (int h = 0; h < hosts; h++) {
            HostAgent a = new HostAgent(host(h), dir.resolve("hosts").resolve(host(h)), config, Clock.systemUTC(),
                    new SimpleMeterRegistry());
            agents.add(a);
            a.start();
        }
    }

    /** Events the collector answered for after Kafka acknowledged them, copies an agent resent included. */
    private static double acknowledged(Standalone s) {
        return s.metrics().find("hourglass_collector_events_total").counters().stream().mapToDouble(Counter::count)
                .sum();
    }

    private static List<Path> successes(Path dir, Backlog b) {
        return b.registry().all().stream().map(t -> dir.resolve("lake").resolve(new BucketId(t.name(), b.hour())
                .path()).resolve("_SUCCESS")).toList();
    }

    private E2e endToEnd(Path dir, int typeCount, int count) throws Exception {
        Backlog b = backlog(dir, count);
        // Components start first (topic creation is not throughput); the clock runs from the agents' start.
        List<HostAgent> agents = new ArrayList<>();
        try (Standalone s = standalone(dir, true); AutoCloseable stopAgents = () -> agents.forEach(HostAgent::stop);
             LiveHeap live = new LiveHeap()) {
            System.gc();
            ProcessGauges.resetPeaks();
            double cpu0 = ProcessGauges.cpuSeconds();
            ComponentCpu byComponent = ComponentCpu.begin();
            long start = System.nanoTime();
            startAgents(s, dir, agents);
            long allAcked = 0;
            Instant allAckedAt = null;
            List<Path> successes = successes(dir, b);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (!successes.stream().allMatch(Files::exists)) {
                if (allAcked == 0 && acknowledged(s) >= b.total()) {
                    allAcked = System.nanoTime();
                    allAckedAt = Instant.now();
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("buckets did not close within 10 minutes");
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
            progress(String.format("%d types: %d events in Kafka after %.1f s, every bucket closed after %.1f s",
                    typeCount, b.total(), toKafka, seconds));
            return new E2e(b.logEps(), b.total() / seconds, seconds - toKafka, closeDelays(successes, allAckedAt),
                    cpu / b.total() * 1e6, shares, liveHeap, heap);
        }
    }

    /** The writers' figures: events per second from their start to the last bucket closed, and CPU per event. */
    private record WritersAlone(double eps, double cpuPerMillion, Map<String, Double> cpuShares) {
    }

    /**
     * The writers alone: the backlog is shipped into Kafka and its hour sealed first, untimed, with no writer
     * running; then the writers start, and the clock runs until every bucket is closed (consume, stage, dedup, and
     * write the final files).
     */
    private WritersAlone writersAlone(int typeCount, int count) throws Exception {
        Path dir = prepare(typeCount);
        try {
            Backlog b = backlog(dir, count);
            List<HostAgent> agents = new ArrayList<>();
            try (Standalone s = standalone(dir, false);
                 AutoCloseable stopAgents = () -> agents.forEach(HostAgent::stop)) {
                startAgents(s, dir, agents);
                awaitSealed(b);
                System.gc();  // the untimed shipping's garbage is not the writers'
                double cpu0 = ProcessGauges.cpuSeconds();
                ComponentCpu byComponent = ComponentCpu.begin();
                long start = System.nanoTime();
                s.startWriters();
                List<Path> successes = successes(dir, b);
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
                while (!successes.stream().allMatch(Files::exists)) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("buckets did not close within 10 minutes");
                    }
                    Thread.sleep(20);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                double cpu = ProcessGauges.cpuSeconds() - cpu0;
                Map<String, Double> shares = byComponent.shares();
                checkClosed(successes, b.total());
                progress(String.format("writers alone: %d events of %d types in final files after %.1f s", b.total(),
                        typeCount, seconds));
                return new WritersAlone(b.total() / seconds, cpu / b.total() * 1e6, shares);
            }
        } finally {
            discardRun(dir);
        }
    }

    /** Waits until every bucket of the backlog's hour is sealed: agents mark an hour once Kafka has all its events. */
    private void awaitSealed(Backlog b) throws InterruptedException {
        Set<String> types = new HashSet<>();
        b.registry().all().forEach(t -> types.add(t.name()));
        Set<String> sealed = new HashSet<>();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(
                KafkaSettings.singleNode(bootstrap).consumer("bench-seals", null))) {
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
                    throw new IllegalStateException("the backlog's hour was not sealed within 10 minutes");
                }
            }
        }
    }

    /** From the last event in Kafka (as seen by polling every 100 ms) to each bucket's {@code _SUCCESS}. */
    private static Stats closeDelays(List<Path> successes, Instant allInKafka) {
        if (allInKafka == null) {
            return Stats.of(new long[0], 0, successes.size());
        }
        long[] micros = successes.stream().mapToLong(p -> Duration.between(allInKafka, manifest(p).closedAt())
                .toNanos() / 1000).toArray();
        return Stats.of(micros, micros.length, 0);
    }

    private static void checkClosed(List<Path> successes, long total) {
        long inBuckets = successes.stream().mapToLong(BenchCommand::events).sum();
        if (inBuckets != total) {
            throw new IllegalStateException("the closed buckets hold " + inBuckets + " events, not " + total);
        }
    }

    private String host(int h) {
        return "host-" + run + "-" + h;
    }

    /**
     * The envelopes of the events in a Kafka record: those of its lake records in a pack, or the one in its header,
     * or in its JSON (collectors before format 2).
     */
    private static List<EnvelopeHeader> envelopes(ConsumerRecord<String, byte[]> r) {
        Header h = r.headers().lastHeader(EnvelopeHeader.KAFKA_HEADER);
        if (h != null && EventPack.isPack(h.value())) {
            return EventPack.read(r.value()).records().stream().map(e -> LakeRecords.envelope(e).header()).toList();
        }
        return List.of((h == null ? Optional.<EnvelopeHeader>empty() : EnvelopeHeader.fromKafkaHeader(r.key(),
                h.value())).orElseGet(() -> EnvelopeHeader.parse(r.value())));
    }

    private static long events(Path success) {
        return manifest(success).events();
    }

    private static Manifest manifest(Path success) {
        try {
            return Json.MAPPER.readValue(success.toFile(), Manifest.class);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
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
     * A live phase's figures: latency from logged_at to in Kafka, and, if an hour ended during it, how long after
     * that hour's end plus the agents' grace each of its buckets closed.
     */
    private record Live(Stats ack, List<Double> ackP99BySecond, Stats hourClose) {
        /** The ack latency's figures, with the p99 of each second of the sampled time. */
        Map<String, Object> ackJson() {
            Map<String, Object> m = ack.json();
            m.put("p99_by_second", ackP99BySecond);
            return m;
        }
    }

    /**
     * Hosts log live events at {@code rate}; each event's latency is its Kafka timestamp minus its logged_at. With
     * {@code crossHour}, the components, agents and loggers run on a clock set so that an hour ends halfway through
     * the sampled time, and the phase then waits for that hour's buckets to close.
     */
    private Live latency(double rate, Duration phase, int typeCount, boolean crossHour) throws Exception {
        progress("latency with " + typeCount + " types at half the end-to-end maximum (" + (long) rate
                + " events/s), " + phase.toSeconds() + " s after a " + WARM_UP.toSeconds() + " s warm-up"
                + (crossHour ? "; an hour ends halfway, its agents' grace " + HOUR_CLOSE_GRACE.toSeconds() + " s"
                : ""));
        Instant realStart = Instant.now();
        Duration shift = Duration.ZERO;
        if (crossHour) {
            Instant hourEnd = Hours.end(hourToClose(realStart, HOST_TIMEOUT));
            shift = Duration.between(realStart, hourEnd.minus(WARM_UP).minus(phase.dividedBy(2)));
        }
        Clock clock = Clock.offset(Clock.systemUTC(), shift);
        Instant closing = Hours.hourOf(realStart.plus(shift));  // with crossHour, it ends halfway
        long shiftMs = shift.toMillis();
        Path dir = prepare(typeCount);
        try (Standalone s = standalone(dir, true, clock)) {
            BenchEvents gen = new BenchEvents(s.registry(), eventSize);
            Path hostsDir = s.dataDir().resolve("hosts");
            List<EventLogger> loggers = new ArrayList<>();
            List<HostAgent> agents = new ArrayList<>();
            AgentConfig config = AgentConfig.defaults(List.of(URI.create(s.collectorUrl())),
                    s.dataDir().resolve("agent-state")).withHeartbeatInterval(Duration.ofSeconds(1))
                    .withPollInterval(Duration.ofMillis(20)).withGrace(HOUR_CLOSE_GRACE);
            for (int h = 0; h < hosts; h++) {
                loggers.add(new EventLogger(hostsDir.resolve(host(h)), clock, false));
                HostAgent a = new HostAgent(host(h), hostsDir.resolve(host(h)), config, clock,
                        new SimpleMeterRegistry());
                agents.add(a);
                a.start();
            }
            long[] samples = new long[(int) Math.min(20_000_000, rate * phase.toSeconds() * 2 + 1000)];
            int[] seconds = new int[samples.length];
            IdOffsets sampled = new IdOffsets();
            int n = 0;
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(
                    KafkaSettings.singleNode(bootstrap).consumer("bench-latency", null))) {
                List<TopicPartition> parts = new ArrayList<>();
                s.registry().all().forEach(t -> c.partitionsFor(t.topic())
                        .forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition()))));
                c.assign(parts);
                c.seekToEnd(parts);
                parts.forEach(c::position);
                long start = System.nanoTime();
                long end = start + phase.toNanos() + WARM_UP.toNanos();
                // Events logged during the warm-up (connections, metadata, JIT) are sent but not sampled.
                long sampleFrom = System.currentTimeMillis() + WARM_UP.toMillis();
                long sent = 0;
                long expected = 0;
                // After the last event is logged, wait for the sampled ones still on their way (up to a limit), so
                // that a stall shows in the percentiles instead of cutting its events out of them.
                long drainUntil = end + LATENCY_DRAIN.toNanos();
                long now;
                while ((now = System.nanoTime()) < end || (n < expected && now < drainUntil)) {
                    long due = now < end ? (long) ((now - start) / 1e9 * rate) : sent;
                    for (; sent < due; sent++) {
                        Instant loggedAt = clock.instant();
                        if (loggedAt.toEpochMilli() - shiftMs >= sampleFrom && expected < samples.length) {
                            expected++;
                        }
                        loggers.get((int) (sent % hosts)).append(gen.event(loggedAt));
                    }
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(5))) {
                        for (EnvelopeHeader h : envelopes(r)) {
                            // Kafka's timestamps are the real time; logged_at is the phase's clock.
                            long loggedAt = h.loggedAt().toEpochMilli() - shiftMs;
                            // An event an agent resent is in Kafka twice: its first copy is its sample, so copies
                            // cannot stand in for events still missing.
                            if (n < expected && loggedAt >= sampleFrom && sampled.putIfAbsent(h.id(), r.offset())) {
                                seconds[n] = (int) ((loggedAt - sampleFrom) / 1000);
                                samples[n++] = (r.timestamp() - loggedAt) * 1000;
                            }
                        }
                    }
                }
                if (n < expected) {
                    System.out.printf("bench: %d of %d sampled events were not in Kafka %d s after the last was"
                            + " logged; they are left out of the latency figures (see latency_ack_ms.missing)%n",
                            expected - n, expected, LATENCY_DRAIN.toSeconds());
                }
                Stats ack = Stats.of(samples, n, expected - n);
                List<Double> bySecond = Stats.p99BySecond(samples, seconds, n);
                progress("p99 from logged_at to in Kafka, by second of the sampled time (ms): " + bySecond);
                return new Live(ack, bySecond, crossHour ? hourClose(s, closing, clock) : Stats.of(new long[0], 0, 0));
            } finally {
                agents.forEach(HostAgent::stop);
                loggers.forEach(EventLogger::close);
            }
        } finally {
            discardRun(dir);
        }
    }

    /**
     * Waits for the buckets of {@code hour} to close, with the agents still running; each bucket's figure is its
     * {@code _SUCCESS} time minus the hour's end plus the agents' grace. One not closed in time counts as missing.
     */
    private Stats hourClose(Standalone s, Instant hour, Clock clock) throws InterruptedException {
        Instant due = Hours.end(hour).plus(HOUR_CLOSE_GRACE);
        List<Path> successes = s.registry().all().stream().map(t -> s.dataDir().resolve("lake")
                .resolve(new BucketId(t.name(), hour).path()).resolve("_SUCCESS")).toList();
        long deadline = System.nanoTime() + Math.max(0, Duration.between(clock.instant(), due).toNanos())
                + HOUR_CLOSE_WAIT.toNanos();
        while (!successes.stream().allMatch(Files::exists) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        long[] micros = successes.stream().filter(Files::exists)
                .mapToLong(p -> Duration.between(due, manifest(p).closedAt()).toNanos() / 1000).toArray();
        progress(String.format("the hour that ended during the phase: %d of %d buckets closed", micros.length,
                successes.size()));
        return Stats.of(micros, micros.length, successes.size() - micros.length);
    }

    private static void print(Map<String, Object> out) {
        System.out.println();
        System.out.println("bench: results (this machine, one run; ratios are against raw Kafka in the same run; the"
                + " headline end-to-end figures are the median of the rounds)");
        out.forEach((k, v) -> System.out.printf("  %-28s %s%n", k, v instanceof Double d ? String.format("%.2f", d)
                : v));
    }

}
