package io.hourglass.cli.bench;

import io.hourglass.cli.DurationConverter;
import io.hourglass.cli.ScratchFolder;
import io.hourglass.cli.kafka.KafkaNode;
import io.hourglass.core.Json;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.utils.Utils;
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
    /** A latency phase reports the p99 of each of its seconds: two at least, to show a spread. */
    private static final Duration SHORTEST_PHASE = Duration.ofSeconds(2);

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

    // 4M events take about as long here as a raw phase (--duration / 6). A run of 1M took about 2 s, of which the
    // hour's close after the last event was in Kafka took 0.4-0.5 s and the JIT a fifth of the CPU.
    @Option(names = "--events", defaultValue = "4000000",
            description = "Events per end-to-end run; enough that start-up and the final close do not dominate"
                    + " (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--warm-up-events", defaultValue = "600000",
            description = "Events of the untimed end-to-end run before the rounds, in which the JIT compiles"
                    + " Hourglass's paths, followed by an untimed raw produce phase; 0 for neither"
                    + " (default: ${DEFAULT-VALUE}).")
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

    @Override
    public Integer call() throws Exception {
        String invalid = invalidOptions();
        if (invalid != null) {
            spec.commandLine().getErr().println("bench: " + invalid);
            return 2;
        }
        BenchKafka external = externalKafka == null ? null : new BenchKafka(externalKafka, partitions, null);
        if (external != null) {
            List<String> held = external.controlTopicsHeld();
            if (!held.isEmpty()) {
                spec.commandLine().getErr().println("bench: the cluster at " + externalKafka + " holds Hourglass's"
                        + " control topics " + held + ". A deployment may use it, and the bench's runs would mix"
                        + " their markers and decisions with its, then delete them. Give the bench a cluster of its"
                        + " own; if a stopped bench run left these topics, delete them first.");
                return 2;
            }
        }
        Path work = Files.createTempDirectory(ScratchFolder.ofThisProcess(), "bench");
        AtomicReference<KafkaNode.Server> broker = new AtomicReference<>();
        // Stopped (Ctrl-C, SIGTERM), the bench leaves nothing behind: no topics on an external cluster (the next run
        // would refuse its control topics), no gigabytes of files (after a SIGKILL, the next start clears those).
        // The embedded broker stops first: one whose log folder vanished would halt the JVM.
        Thread cleanUp = new Thread(() -> {
            progress("stopped; removing its topics, broker and runs");
            if (external != null) {
                external.deleteLiveTopics();
            }
            stopAndRemove(broker.get(), work);
        }, "bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanUp);
        try {
            BenchKafka kafka = external;
            if (kafka == null) {
                KafkaNode node = KafkaNode.single(work.resolve("kafka"), 0);
                // A deleted topic's files go within 0.1 s, not a minute later in some other phase (see BenchKafka).
                // Not 0: Kafka looks for logs to delete every max(delay, 1 ms), and each 1 ms look wakes its
                // scheduler's ten threads: 3-6% of the CPU of an end-to-end run.
                broker.set(node.embedded(Map.of("log.segment.delete.delay.ms", "100")));
                broker.get().start();
                kafka = new BenchKafka(node.bootstrap(), partitions, work.resolve("kafka"));
            }
            Map<String, Object> out = measure(new RawKafka(kafka, eventSize, Settle.jvm()),
                    new Runs(work, kafka, eventSize, hosts));
            spec.commandLine().getOut().print(BenchReport.render(Json.MAPPER.valueToTree(out)));
            spec.commandLine().getOut().flush();
            if (json != null) {
                Files.write(json, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(out));
            }
            return 0;
        } finally {
            stopAndRemove(broker.get(), work);  // a full run leaves gigabytes of logs, topics and buckets
            try {
                Runtime.getRuntime().removeShutdownHook(cleanUp);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs, or has run, the same cleanup
            }
        }
    }

    private static void stopAndRemove(KafkaNode.Server broker, Path work) {
        if (broker != null) {
            broker.stop();
        }
        try {
            Utils.delete(work.toFile());
        } catch (IOException e) {
            System.err.println("bench: could not remove " + work + " (" + e.getMessage() + "); the next Hourglass"
                    + " process to start removes it, or remove it by hand");
        }
    }

    /** Every phase, in order, on one broker: the figures under their JSON keys. */
    private Map<String, Object> measure(RawKafka raw, Runs runs) throws Exception {
        Throughput throughput = new Throughput(runs, Settle.jvm());
        Latency latency = new Latency(runs);
        Map<String, Object> out = new LinkedHashMap<>();
        Duration sixth = duration.dividedBy(6);
        Duration phase = sixth.compareTo(SHORTEST_PHASE) < 0 ? SHORTEST_PHASE : sixth;
        progress("raw Kafka produce, then consume (the consume baseline), " + types + " topics, "
                + phase.toSeconds() + " s");
        double consumeEps = raw.consume(phase, types);
        out.put("kafka_consume_eps", consumeEps);
        out.put("kafka_consume_mbps", mb(consumeEps));

        // Like the raw baseline's warm-up: the JIT compiles Hourglass's paths before anything is timed.
        if (warmUpEvents > 0) {
            progress("warm-up: end to end with " + types + " types, " + warmUpEvents + " events, not reported");
            throughput.warmUp(types, warmUpEvents);
        }
        progress("collector HTTP ingest alone, " + phase.toSeconds() + " s");
        double ingest = throughput.ingest(phase, types);
        if (warmUpEvents > 0) {
            // Hourglass's phases since the consume baseline had Kafka's client and broker code compiled for their use,
            // and round 1's raw phase paid for compiling it again: a low denominator that made round 1's ratio high.
            progress("warm-up: raw Kafka produce, " + types + " topics, " + phase.toSeconds() + " s, not reported");
            raw.warmUp(phase, types);
        }
        List<Round> measured = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            // Every round measures raw produce anew, the first too: the first raw phase ran in a cold JVM (its
            // CPU per event about twice the later ones'), a low denominator that favoured the first round.
            progress("round " + r + " of " + rounds + ": raw Kafka produce, " + types + " topics, "
                    + phase.toSeconds() + " s");
            RawKafka.Produced produced = raw.produce(phase, types);
            progress("round " + r + " of " + rounds + ": client library writing host logs");
            measured.add(new Round(produced, throughput.endToEnd(types, events)));
        }
        Round headline = Round.median(measured);
        Throughput.E2e main = headline.e2e();
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
        Throughput.WritersAlone writers = throughput.writersAlone(types, events);
        out.put("writer_eps", writers.eps());
        out.put("ratio_writer_to_consume", writers.eps() / consumeEps);
        out.put("writer_cpu_s_per_million_events", writers.cpuPerMillion());
        out.put("writer_cpu_share", writers.cpuShares());

        double half = main.eps() / 2;
        Latency.Live mainLive = latency.measure(half, phase, types, true);
        out.put("latency_ack_ms", mainLive.ackJson());
        out.put("latency_rate_eps", half);
        out.put("hour_close_ms", mainLive.hourClose().json());
        out.put("hour_close_grace_s", Runs.HOUR_CLOSE_GRACE.toSeconds());

        Map<String, Object> scaling = new LinkedHashMap<>();
        for (int n : typeCounts) {
            Round round = headline;  // the run with --types is the headline round; it is not run again
            Latency.Live live = mainLive;
            if (n != types) {
                progress("raw Kafka produce with " + n + " topics, " + phase.toSeconds() + " s");
                RawKafka.Produced produced = raw.produce(phase, n);
                progress("end to end with " + n + " types");
                round = new Round(produced, throughput.endToEnd(n, events));
                live = latency.measure(round.e2e().eps() / 2, phase, n, false);
            }
            Throughput.E2e e = round.e2e();
            Map<String, Object> byCount = new LinkedHashMap<>(round.json());
            byCount.put("cpu_share", e.cpuShares());
            byCount.put("heap_peak_mb", e.heapPeakMb());
            byCount.put("latency_ack_ms", live.ackJson());
            byCount.put("latency_rate_eps", e.eps() / 2);
            byCount.put("bucket_close_ms", e.closeDelays().json());
            scaling.put(Integer.toString(n), byCount);
        }
        out.put("by_type_count", scaling);
        out.put("types", types);
        out.put("partitions", partitions);
        out.put("event_size_bytes", eventSize);
        out.put("events_per_e2e_run", events);
        out.put("hosts", hosts);
        out.put("cores", Runtime.getRuntime().availableProcessors());
        // The heap's, the JIT's and the collector's flags move the figures (docs/performance.md): say which ran.
        out.put("jvm", Map.of("version", Runtime.version().toString(),
                "args", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        return out;
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

    static void progress(String what) {
        System.out.println("bench: " + what + "...");
    }

    /** Raw Kafka produce, then Hourglass end to end on the same broker right after it. */
    private record Round(RawKafka.Produced raw, Throughput.E2e e2e) {
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

}
