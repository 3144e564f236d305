package io.hourglass.completionist;

import static java.util.Objects.requireNonNull;

import io.hourglass.core.FailPoints;
import io.hourglass.core.HourglassException;
import io.hourglass.core.Hours;
import io.hourglass.core.Json;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.Finalized;
import io.hourglass.core.control.Manifest;
import io.hourglass.core.control.Marker;
import io.hourglass.core.control.Seal;
import io.hourglass.core.kafka.KafkaSettings;
import io.hourglass.core.kafka.TopicTailer;
import io.hourglass.core.kafka.Topics;
import io.hourglass.core.lake.LakeStore;
import io.hourglass.core.registry.EventType;
import io.hourglass.core.registry.Registry;
import io.hourglass.core.service.Service;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes hourly buckets. A bucket (type, H) is sealed when every expected host is done with H: it has published its
 * marker for H, or its watermark is past H and it had nothing for H. Expected are the hosts that heartbeated during
 * H or were alive when it began, that marked H, or that are alive now. If the type's lateness limit runs out first, the bucket is sealed anyway
 * at the partitions' current end, as incomplete, naming the missing hosts. Once writers have finalized every
 * partition, the {@code _SUCCESS} manifest is written last and the bucket is announced on {@code _hourglass.buckets}.
 */
public final class Completionist implements Service {
    private static final Logger log = LoggerFactory.getLogger(Completionist.class);
    private static final String SUCCESS = "_SUCCESS";
    /** How far behind the oldest open bucket the ledger keeps markers, seals and heartbeats. */
    private static final Duration RETENTION = Duration.ofDays(1);

    private final CompletionistConfig config;
    private final KafkaSettings kafka;
    private final Supplier<Registry> registry;
    private final LakeStore lake;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final Ledger ledger = new Ledger();
    private final Map<String, Instant> frontier = new HashMap<>();
    private final Map<String, List<TopicPartition>> partitions = new HashMap<>();
    private final Map<String, GoneCollector> goneCollectors = new ConcurrentHashMap<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final Timer closeDelay;
    private TopicTailer tailer;
    private KafkaProducer<String, byte[]> producer;
    private KafkaConsumer<String, byte[]> offsets;
    private ScheduledExecutorService ticker;
    private volatile boolean healthy = true;
    private Instant startedAt;

    public Completionist(CompletionistConfig config, KafkaSettings kafka, Supplier<Registry> registry, LakeStore lake,
                         Clock clock, MeterRegistry metrics) {
        this.config = requireNonNull(config, "config is null");
        this.kafka = requireNonNull(kafka, "kafka is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.lake = requireNonNull(lake, "lake is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.closeDelay = Timer.builder("hourglass_bucket_close_delay_seconds")
                .description("Time from hour end to bucket closed")
                .publishPercentiles(0.5, 0.99, 0.999)
                .register(metrics);
    }

    @Override
    public void start() {
        if (!started.compareAndSet(false, true)) {
            return;
        }
        tailer = new TopicTailer(kafka, "hourglass-completionist-control",
                List.of(Topics.MARKERS, Topics.SEALS, Topics.FINALIZED, Topics.BUCKETS), ledger::accept);
        tailer.start();
        tailer.awaitCaughtUp(Duration.ofSeconds(60));
        producer = new KafkaProducer<>(kafka.producer("hourglass-completionist"));
        offsets = new KafkaConsumer<>(kafka.consumer("hourglass-completionist-offsets", null));
        startedAt = clock.instant();
        ticker = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "completionist"));
        ticker.scheduleWithFixedDelay(this::tickSafely, 0, config.tickInterval().toMillis(), TimeUnit.MILLISECONDS);
        log.info("Completionist started");
    }

    @Override
    public void stop() {
        if (started.get() && stopped.compareAndSet(false, true)) {
            ticker.shutdown();
            try {
                ticker.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            tailer.close();
            offsets.close(Duration.ofSeconds(2));
            producer.close(Duration.ofSeconds(5));
            log.info("Completionist stopped");
        }
    }

    @Override
    public String name() {
        return "completionist";
    }

    @Override
    public boolean ready() {
        return started.get() && healthy;
    }

    private void tickSafely() {
        try {
            tick();
            healthy = true;
        } catch (RuntimeException e) {
            healthy = false;
            log.error("Completionist tick failed; retrying next tick: {}", e.toString(), e);
        }
    }

    /** Re-evaluates every bucket from each type's oldest unclosed hour up to the last full hour. */
    void tick() {
        Instant now = clock.instant();
        Instant first = ledger.firstHour().orElse(null);
        if (first == null) {
            return;
        }
        noteDeadCollectors(now);
        Instant lastFull = Hours.hourOf(now).minus(Duration.ofHours(1));
        pruneClosedPast(first);
        for (EventType type : registry.get().all()) {
            Instant from = frontier.getOrDefault(type.name(), first);
            boolean contiguous = true;
            for (Instant h = from; !h.isAfter(lastFull); h = Hours.end(h)) {
                BucketId b = new BucketId(type.name(), h);
                boolean closed = ledger.isClosed(b) || advance(type, b, now);
                if (closed && contiguous) {
                    frontier.put(type.name(), Hours.end(h));
                } else {
                    contiguous = false;
                }
            }
        }
    }

    /** What lies a day before the oldest bucket still open is of no use to any decision; forget it. */
    private void pruneClosedPast(Instant first) {
        Instant oldestOpen = registry.get().all().stream().map(t -> frontier.getOrDefault(t.name(), first))
                .min(Instant::compareTo).orElse(first);
        Instant horizon = oldestOpen.minus(RETENTION);
        if (horizon.isAfter(first)) {
            ledger.prune(horizon);
        }
    }

    /** Moves a bucket forward: seal it when due, close it when every partition is finalized. */
    private boolean advance(EventType type, BucketId b, Instant now) {
        Seal seal = ledger.seal(b).orElse(null);
        if (seal == null) {
            if (now.isBefore(startedAt.plus(config.startupGrace()))) {
                return false;
            }
            seal = decideSeal(type, b, now);
            if (seal == null) {
                return false;
            }
            publish(Topics.SEALS, b.key(), Json.toBytes(seal));
            FailPoints.reached("completionist.after-seal");
            ledger.sealed(seal);
            log.info("Sealed {} ({}; expected hosts {}{})", b, seal.complete() ? "complete" : "INCOMPLETE",
                    seal.expectedHosts(), seal.missingHosts().isEmpty() ? "" : ", missing " + seal.missingHosts());
        }
        int partitions = partitionsOf(type.topic()).size();
        Map<Integer, Finalized> done = ledger.finalizedPartitions(b);
        if (done.size() < partitions) {
            return false;
        }
        close(b, seal, done, now);
        return true;
    }

    private Seal decideSeal(EventType type, BucketId b, Instant now) {
        Instant hour = b.hour();
        Map<String, Marker> marked = ledger.markers(hour);
        TreeSet<String> expected = new TreeSet<>(marked.keySet());
        List<String> missing = new ArrayList<>();
        boolean backlogHeld = false;
        Map<Integer, Long> sealOffsets = new TreeMap<>();
        for (HostView h : ledger.hosts()) {
            boolean alive = !h.lastSeen().isBefore(now.minus(config.hostTimeout()));
            if (!alive && !h.mayHaveLoggedIn(hour, config.hostTimeout()) && !marked.containsKey(h.host())) {
                continue;
            }
            expected.add(h.host());
            if (marked.containsKey(h.host()) || h.watermark().isAfter(hour)) {
                continue;
            }
            GoneCollector gone = goneCollectors.get(h.host());
            if (gone != null && !alive) {
                gone.offsets().getOrDefault(type.topic(), Map.of())
                        .forEach((p, o) -> sealOffsets.merge(p, o, Math::max));
                continue;
            }
            missing.add(h.host());
            backlogHeld |= alive;
        }
        for (Marker m : marked.values()) {
            m.offsets().getOrDefault(type.topic(), Map.of()).forEach((p, o) -> sealOffsets.merge(p, o, Math::max));
        }
        if (missing.isEmpty()) {
            return new Seal(b.type(), hour, sealOffsets, true, List.copyOf(expected), List.of(), now);
        }
        // A live host working through a backlog holds the hour open; only hosts that went silent time out.
        if (backlogHeld || now.isBefore(Hours.end(hour).plus(type.latenessLimit()))) {
            return null;
        }
        endOffsets(type.topic()).forEach((p, o) -> sealOffsets.merge(p, o, Math::max));
        log.warn("Lateness limit {} of {} ran out: sealing {} as incomplete. Missing hosts {} stopped heartbeating;"
                        + " their events that arrive later go to the open bucket flagged late. Check their agents.",
                type.latenessLimit(), type.name(), b, missing);
        return new Seal(b.type(), hour, sealOffsets, false, List.copyOf(expected), missing, now);
    }

    /** End offsets of every events topic when a collector was declared gone, and its last heartbeat then. */
    private record GoneCollector(Instant lastSeen, Map<String, Map<Integer, Long>> offsets) {
    }

    /**
     * A collector acknowledges only what Kafka has, so once it stops heartbeating its direct clients' events are all
     * below the current end offsets. A collector that heartbeats again is no longer gone.
     */
    private void noteDeadCollectors(Instant now) {
        for (HostView h : ledger.hosts()) {
            if (!h.isCollector()) {
                continue;
            }
            GoneCollector known = goneCollectors.get(h.host());
            if (known != null && h.lastSeen().isAfter(known.lastSeen())) {
                goneCollectors.remove(h.host());
                known = null;
            }
            if (known == null && h.lastSeen().isBefore(now.minus(config.hostTimeout()))) {
                Map<String, Map<Integer, Long>> snapshot = new HashMap<>();
                for (EventType t : registry.get().all()) {
                    snapshot.put(t.topic(), endOffsets(t.topic()));
                }
                goneCollectors.put(h.host(), new GoneCollector(h.lastSeen(), snapshot));
                log.info("Collector host {} is gone (last heartbeat {}); its hours are sealed at current offsets",
                        h.host(), h.lastSeen());
            }
        }
    }

    private void close(BucketId b, Seal seal, Map<Integer, Finalized> parts, Instant now) {
        String dir = "lake/" + b.path() + "/";
        Manifest manifest;
        if (lake.exists(dir + SUCCESS)) {
            manifest = readManifest(dir + SUCCESS);
        } else {
            Map<String, Long> hosts = new TreeMap<>();
            List<Manifest.FileEntry> files = new ArrayList<>();
            long events = 0;
            long dups = 0;
            long late = 0;
            for (Finalized f : parts.values()) {
                f.hosts().forEach((h, n) -> hosts.merge(h, n, Long::sum));
                if (f.file() != null) {
                    files.add(new Manifest.FileEntry(f.file(), f.events()));
                }
                events += f.events();
                dups += f.duplicatesDropped();
                late += f.lateEvents();
            }
            files.sort(Comparator.comparing(Manifest.FileEntry::name));
            long delay = Math.max(0, Duration.between(Hours.end(b.hour()), now).toSeconds());
            manifest = new Manifest(b.type(), b.hour(), seal.sealedAt(), now, delay, seal.complete(), events, dups,
                    late, hosts, seal.expectedHosts(), seal.missingHosts(), files, seal.offsets());
            Manifest m = manifest;
            try {
                lake.writeAtomically(dir + SUCCESS, out -> out.write(Json.MAPPER.writerWithDefaultPrettyPrinter()
                        .writeValueAsBytes(m)));
            } catch (IOException e) {
                throw new HourglassException("cannot write " + dir + SUCCESS + ": " + e.getMessage()
                        + "; free space or fix permissions on the lake", e);
            }
            closeDelay.record(Duration.ofSeconds(delay));
        }
        publish(Topics.BUCKETS, b.key(), Json.toBytes(manifest));
        ledger.closed(b);
        metrics.counter("hourglass_buckets_closed_total", "type", b.type(), "complete",
                Boolean.toString(manifest.complete())).increment();
        log.info("Closed {}: {} events, {} duplicates dropped, {} late, delay {} s, {}", b, manifest.events(),
                manifest.duplicatesDropped(), manifest.lateEvents(), manifest.closeDelaySeconds(),
                manifest.complete() ? "complete" : "missing " + manifest.missingHosts());
    }

    private Manifest readManifest(String path) {
        try (InputStream in = lake.open(path)) {
            return Json.MAPPER.readValue(in, Manifest.class);
        } catch (IOException e) {
            throw new HourglassException("existing " + path + " is unreadable: " + e.getMessage(), e);
        }
    }

    private void publish(String topic, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            throw HourglassException.interrupted("publishing to " + topic, e);
        } catch (Exception e) {
            throw new HourglassException("cannot publish to " + topic + ": " + e.getMessage(), e);
        }
    }

    /** Cached: asking the cluster for a topic this consumer is not subscribed to costs a round trip each time. */
    private List<TopicPartition> partitionsOf(String topic) {
        return partitions.computeIfAbsent(topic, t -> {
            List<PartitionInfo> infos = offsets.partitionsFor(t, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new HourglassException("topic " + t + " does not exist; start the collector to create it");
            }
            return infos.stream().map(i -> new TopicPartition(t, i.partition())).toList();
        });
    }

    /** Offset of the last record in each partition, -1 when empty. */
    private Map<Integer, Long> endOffsets(String topic) {
        Map<Integer, Long> last = new TreeMap<>();
        offsets.endOffsets(partitionsOf(topic), Duration.ofSeconds(30)).forEach((tp, end) ->
                last.put(tp.partition(), end - 1));
        return last;
    }
}
