package io.hourglass.completionist;

import static java.util.Objects.requireNonNull;

import io.hourglass.core.FailPoints;
import io.hourglass.core.HourglassException;
import io.hourglass.core.Hours;
import io.hourglass.core.Json;
import io.hourglass.core.control.Announcement;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.ClosedForm;
import io.hourglass.core.control.Finalized;
import io.hourglass.core.control.HostSignals;
import io.hourglass.core.control.Manifest;
import io.hourglass.core.control.Seal;
import io.hourglass.core.kafka.KafkaSettings;
import io.hourglass.core.kafka.TopicTailer;
import io.hourglass.core.kafka.Topics;
import io.hourglass.core.lake.LakeStore;
import io.hourglass.core.registry.EventType;
import io.hourglass.core.registry.Registry;
import io.hourglass.core.service.Service;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes hourly buckets. A bucket (type, H) is sealed when every expected host is done with H: it has published its
 * marker for H, or its watermark is past H and it had nothing for H. Expected are the hosts that heartbeated during
 * H or were alive when it began, that marked H, or that are alive now. If the type's lateness limit runs out first,
 * the bucket is sealed anyway, as incomplete, naming the missing hosts. A seal reaches to its hosts' markers and to
 * the partitions' ends when it is made, so it also takes the late events that arrived in H. Once writers have
 * finalized every partition, the {@code _SUCCESS} manifest is written last and the bucket is announced on
 * {@code _hourglass.buckets}.
 */
public final class Completionist implements Service {
    private static final Logger log = LoggerFactory.getLogger(Completionist.class);
    /** Manifests written at once: each waits on two fsyncs, which a disk serves side by side. */
    private static final int MANIFEST_WRITERS = 8;
    /** How far behind the oldest open bucket the ledger keeps markers, seals and heartbeats. */
    private static final Duration RETENTION = Duration.ofDays(1);
    /** While the control topics are read at start, the ledger is pruned each time it holds this many more hours. */
    private static final int PRUNE_WHILE_READING_EVERY_HOURS = 24;

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
    private final Timer tickTime;
    private final Counter markersSkipped;
    private TopicTailer tailer;
    private TopicTailer bucketsTailer;
    private KafkaProducer<String, byte[]> producer;
    private KafkaConsumer<String, byte[]> offsets;
    private volatile ScheduledExecutorService ticker;
    private final AtomicBoolean tickQueued = new AtomicBoolean();
    /** Until the control topics are read to their end at start; ticks prune after that. */
    private volatile boolean reading = true;
    private volatile int hoursAfterPrune;
    /** Hours found closed for every type while reading at start. Tailer thread only. */
    private final Set<Instant> closedHours = new HashSet<>();
    /** Closed buckets' decisions found in full while reading at start. Tailer thread, then start's. */
    private final MissingClosedForms missingClosedForms = new MissingClosedForms();
    /**
     * Closed forms that Kafka did not take: each tick writes them again until it does. Only closed buckets have them,
     * and a bucket closes only once Kafka took its announcement, so they pile up only while Kafka takes announcements
     * and refuses the closed forms right after them. Used at start, then by the tick (synchronized).
     */
    private final List<ProducerRecord<String, byte[]>> closedFormsToRetry = new ArrayList<>();
    private ExecutorService manifestWriters;
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
        this.tickTime = Timer.builder("hourglass_completionist_tick_seconds")
                .description("Time a tick takes to decide every open bucket, publishing included")
                .publishPercentiles(0.5, 0.99, 0.999)
                .register(metrics);
        Gauge.builder("hourglass_completionist_hours_held", ledger, Ledger::hoursHeld)
                .description("Hours the completionist holds markers and heartbeats of: from a day before the oldest"
                        + " open bucket")
                .register(metrics);
        this.markersSkipped = Counter.builder("hourglass_completionist_markers_skipped_total")
                .description("Markers of hours whose every bucket was closed, skipped unread at start")
                .register(metrics);
    }

    @Override
    public void start() {
        if (!started.compareAndSet(false, true)) {
            return;
        }
        // The closed buckets first: their seals and finalized partitions are then skipped, not read.
        bucketsTailer = new TopicTailer(kafka, "hourglass-completionist-buckets", List.of(Topics.BUCKETS),
                ledger::accept);
        bucketsTailer.start();
        bucketsTailer.awaitCaughtUp(Duration.ofSeconds(60));
        tailer = new TopicTailer(kafka, "hourglass-completionist-control",
                List.of(Topics.MARKERS, Topics.SEALS, Topics.FINALIZED), r -> {
                    if (reading) {
                        if (markerOfAClosedHour(r)) {
                            markersSkipped.increment();
                            return;
                        }
                        missingClosedForms.note(r, ledger::isClosed);
                    }
                    if (ledger.accept(r)) {
                        tickSoon();
                    }
                    if (reading && ledger.hoursHeld() >= hoursAfterPrune + PRUNE_WHILE_READING_EVERY_HOURS) {
                        pruneWhileReading();
                    }
                });
        tailer.start();
        tailer.awaitCaughtUp(Duration.ofSeconds(60));
        pruneWhileReading();
        reading = false;
        Properties producerSettings = kafka.controlProducer("hourglass-completionist");
        // A tick publishes the seals or announcements of every type at once, a kilobyte or so each.
        producerSettings.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        producer = new KafkaProducer<>(producerSettings);
        offsets = new KafkaConsumer<>(kafka.consumer("hourglass-completionist-offsets", null));
        writeMissingClosedForms();
        startedAt = clock.instant();
        AtomicInteger writerCount = new AtomicInteger();
        manifestWriters = Executors.newFixedThreadPool(MANIFEST_WRITERS,
                r -> new Thread(r, "completionist-manifests-" + writerCount.incrementAndGet()));
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
            } finally {
                manifestWriters.shutdown();
            }
            tailer.close();
            bucketsTailer.close();
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

    /**
     * Runs a tick now, unless one is already waiting to run: a marker or a finalized partition may close a bucket,
     * and waiting for the next tick would add up to a tick interval to the close of every bucket, twice.
     */
    private void tickSoon() {
        ScheduledExecutorService t = ticker;
        if (t == null || !tickQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            t.execute(() -> {
                tickQueued.set(false);
                tickSafely();
            });
        } catch (RejectedExecutionException e) {
            tickQueued.set(false);  // stopping
        }
    }

    private void tickSafely() {
        try {
            tickTime.record(this::tick);
            healthy = true;
        } catch (RuntimeException e) {
            healthy = false;
            log.error("Completionist tick failed; retrying next tick: {}", e.toString(), e);
        }
    }

    /**
     * Re-evaluates every bucket from each type's oldest unclosed hour up to the last full hour: seals what is due, then
     * closes what writers have finalized. Each step publishes its records together and waits for them once, so a
     * tick costs a round trip or two whatever the number of types. Then writes again the closed forms that Kafka did
     * not take before, after the buckets, so that a retry that waits on Kafka delays no close.
     */
    synchronized void tick() {
        Instant now = clock.instant();
        ledger.firstHour().ifPresent(first -> decide(now, first));
        retryClosedForms();
    }

    private void decide(Instant now, Instant first) {
        noteDeadCollectors(now);
        Instant lastFull = Hours.hourOf(now).minus(Duration.ofHours(1));
        ledger.takeOldestSeen().ifPresent(this::rewindFrontiers);
        pruneClosedPast(first);
        List<Open> open = openBuckets(first, lastFull);
        try {
            sealDue(open, now);
            closeDue(open, now);
        } finally {
            advanceFrontiers(first, lastFull);
        }
    }

    /**
     * Moves each type's frontier past the buckets closed in a row from it. Until one closes, a type has no frontier
     * and starts from the ledger's first hour, which goes back when a host's older hour turns up.
     */
    private void advanceFrontiers(Instant first, Instant lastFull) {
        for (EventType type : registry.get().all()) {
            Instant from = frontier.getOrDefault(type.name(), first);
            Instant h = from;
            while (!h.isAfter(lastFull) && ledger.isClosed(new BucketId(type.name(), h))) {
                h = Hours.end(h);
            }
            if (h.isAfter(from)) {
                frontier.put(type.name(), h);
            }
        }
    }

    /**
     * A host may bring files of an hour older than a type's frontier (it was off, or new with a backlog): the
     * frontiers go back to it so that its buckets open. Buckets closed since stay closed; {@link #sealDue} checks the
     * lake for those the ledger has forgotten.
     */
    private void rewindFrontiers(Instant hour) {
        frontier.replaceAll((type, from) -> hour.isBefore(from) ? hour : from);
    }

    /** A bucket of a full hour that is not closed yet. */
    private record Open(EventType type, BucketId bucket) {
    }

    private List<Open> openBuckets(Instant first, Instant lastFull) {
        List<Open> open = new ArrayList<>();
        for (EventType type : registry.get().all()) {
            for (Instant h = frontier.getOrDefault(type.name(), first); !h.isAfter(lastFull); h = Hours.end(h)) {
                BucketId b = new BucketId(type.name(), h);
                if (!ledger.isClosed(b)) {
                    open.add(new Open(type, b));
                }
            }
        }
        return open;
    }

    /**
     * The control topics are read from their start before the first tick: a week of markers by Kafka's default
     * retention, which held gigabytes at tens of thousands of hosts. So the reading forgets, as it goes, what a tick
     * would forget: it moves the frontiers as a tick does, then prunes behind them.
     */
    private synchronized void pruneWhileReading() {
        Instant first = ledger.firstHour().orElse(null);
        if (first != null) {
            ledger.takeOldestSeen().ifPresent(this::rewindFrontiers);
            advanceFrontiers(first, Hours.hourOf(clock.instant()).minus(Duration.ofHours(1)));
            horizon(first).ifPresent(ledger::pruneKeepingClosed);
        }
        hoursAfterPrune = ledger.hoursHeld();
    }

    /**
     * Whether a record read at start is a marker of an hour whose every bucket is closed: a closed bucket is never
     * sealed again, so such a marker can change no decision, and a week of them took minutes to parse at tens of
     * thousands of hosts. A marker of an hour with a bucket not closed, such as one a host's backlog brings late in
     * the log, is read. Closed buckets only come while reading, so an hour found closed stays closed.
     */
    private boolean markerOfAClosedHour(ConsumerRecord<String, byte[]> r) {
        if (!r.topic().equals(Topics.MARKERS)) {
            return false;
        }
        Instant hour = HostSignals.markerHour(r.key()).orElse(null);
        if (hour == null) {
            return false;
        }
        if (closedHours.contains(hour)) {
            return true;
        }
        boolean closed = registry.get().all().stream().allMatch(t -> ledger.isClosed(new BucketId(t.name(), hour)));
        if (closed) {
            closedHours.add(hour);
        }
        return closed;
    }

    /** What lies a day before the oldest bucket still open is of no use to any decision; forget it. */
    private void pruneClosedPast(Instant first) {
        horizon(first).ifPresent(ledger::prune);
    }

    /** A day before the oldest bucket still open, if that is after the ledger's first hour. */
    private Optional<Instant> horizon(Instant first) {
        Instant oldestOpen = registry.get().all().stream().map(t -> frontier.getOrDefault(t.name(), first))
                .min(Instant::compareTo).orElse(first);
        Instant horizon = oldestOpen.minus(RETENTION);
        return horizon.isAfter(first) ? Optional.of(horizon) : Optional.empty();
    }

    /** Seals the open buckets that are due; a seal counts once Kafka has it. */
    private void sealDue(List<Open> open, Instant now) {
        if (now.isBefore(startedAt.plus(config.startupGrace()))) {
            return;
        }
        List<Seal> seals = new ArrayList<>();
        Map<Instant, HourHosts> hourHosts = new HashMap<>();
        for (Open o : open) {
            if (ledger.seal(o.bucket()).isPresent()) {
                continue;
            }
            Seal seal = decideSeal(o.type(), o.bucket(),
                    hourHosts.computeIfAbsent(o.bucket().hour(), h -> new HourHosts(h, now)), now);
            if (seal == null) {
                continue;
            }
            if (closedInLake(o.bucket())) {
                ledger.closed(o.bucket());
            } else {
                seals.add(seal);
            }
        }
        publishAll(reachingTheEnds(seals), seal -> new ProducerRecord<>(Topics.SEALS, seal.bucket().key(),
                Json.toBytes(seal)), seal -> {
            FailPoints.reached("completionist.after-seal");
            ledger.sealed(seal);
            log.info("Sealed {} ({}; expected {}{})", seal.bucket(), seal.complete() ? "complete" : "INCOMPLETE",
                    HostNames.brief(seal.expectedHosts()),
                    seal.missingHosts().isEmpty() ? "" : "; missing " + HostNames.brief(seal.missingHosts()));
        });
    }

    /**
     * Each seal reaches at least to its partitions' current ends, as well as to its hosts' markers: late events that
     * arrived in the hour are in Kafka by now, and the bucket of their arrival takes them even where no event of the
     * hour came after them. All topics are asked at once, a round trip whatever the number of types.
     */
    private List<Seal> reachingTheEnds(List<Seal> seals) {
        if (seals.isEmpty()) {
            return seals;
        }
        Map<String, Map<Integer, Long>> ends = endOffsets(seals.stream().map(s -> Topics.events(s.type())).toList());
        return seals.stream().map(s -> s.reaching(ends.getOrDefault(Topics.events(s.type()), Map.of()))).toList();
    }

    /**
     * Whether the bucket was closed before, though the ledger no longer says so: it forgets what lies a day behind
     * the oldest open bucket, and Kafka's retention drops old announcements. A closed bucket is never sealed again.
     */
    private boolean closedInLake(BucketId b) {
        if (!lake.exists(b.successPath())) {
            return false;
        }
        log.info("{} was closed before ({} is in the lake): it stays as it is. Its events that arrive now go to the"
                + " open bucket of their arrival hour, flagged late", b, b.successPath());
        return true;
    }

    /**
     * Whom an hour's buckets wait for, the same for every type: the hosts expected, those of them not done with the
     * hour, whether one of those is alive (working through a backlog), the gone collectors that stand in for their
     * direct clients, and the markers. Made once an hour and tick, and only as far as a decision needs it: a live host
     * not done holds every bucket of the hour, so the reading stops there, and the sorted host list is made only for
     * a seal. At tens of thousands of hosts, all of it for each type took seconds a tick.
     */
    private final class HourHosts {
        private final HourMarks marked;
        private final Set<String> expected;
        private final List<String> missing = new ArrayList<>();
        private final List<GoneCollector> gone = new ArrayList<>();
        private boolean backlogHeld;
        private List<String> sorted;

        HourHosts(Instant hour, Instant now) {
            marked = ledger.marks(hour);
            expected = new HashSet<>(marked.hosts());
            for (HostView h : ledger.hosts()) {
                boolean alive = !h.lastSeen().isBefore(now.minus(config.hostTimeout()));
                if (!alive && !h.mayHaveLoggedIn(hour, config.hostTimeout()) && !marked.marked(h.host())) {
                    continue;
                }
                expected.add(h.host());
                if (marked.marked(h.host()) || ledger.doneByWatermark(h, hour)) {
                    continue;
                }
                GoneCollector collector = goneCollectors.get(h.host());
                if (collector != null && !alive) {
                    gone.add(collector);
                    continue;
                }
                missing.add(h.host());
                if (alive) {
                    backlogHeld = true;
                    return;
                }
            }
        }

        List<String> expected() {
            if (sorted == null) {
                sorted = expected.stream().sorted().toList();
            }
            return sorted;
        }

        /** The highest offset the markers name in each partition of {@code topic}, and the gone collectors'. */
        Map<Integer, Long> offsets(String topic) {
            Map<Integer, Long> offsets = new TreeMap<>(marked.offsets(topic));
            for (GoneCollector g : gone) {
                g.offsets().getOrDefault(topic, Map.of()).forEach((p, o) -> offsets.merge(p, o, Math::max));
            }
            return offsets;
        }

        /** Hosts whose file of the hour was removed before it was all sent: waiting longer brings nothing back. */
        List<String> removed() {
            return marked.removed();
        }
    }

    private Seal decideSeal(EventType type, BucketId b, HourHosts hosts, Instant now) {
        Instant hour = b.hour();
        // A live host working through a backlog holds the hour open; only hosts that went silent time out.
        if (hosts.backlogHeld
                || !hosts.missing.isEmpty() && now.isBefore(Hours.end(hour).plus(type.latenessLimit()))) {
            return null;
        }
        List<String> removed = hosts.removed();
        if (hosts.missing.isEmpty()) {
            if (!removed.isEmpty()) {
                log.warn("{} lost their log file of {} before their agents had sent all of it: sealing {} as"
                        + " incomplete, naming them missing. What they sent is in it. Keep host log files until"
                        + " their agents have marked them (their checkpoints say so).", HostNames.brief(removed), hour,
                        b);
            }
            return new Seal(b.type(), hour, hosts.offsets(type.topic()), removed.isEmpty(), hosts.expected(), removed,
                    now);
        }
        log.warn("Lateness limit {} of {} ran out: sealing {} as incomplete. Missing {} stopped heartbeating;"
                        + " their events that arrive later go to the open bucket flagged late. Check their agents.",
                type.latenessLimit(), type.name(), b, HostNames.brief(hosts.missing));
        List<String> missing = new ArrayList<>(hosts.missing);
        missing.addAll(removed);
        return new Seal(b.type(), hour, hosts.offsets(type.topic()), false, hosts.expected(), missing, now);
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
                Map<String, Map<Integer, Long>> snapshot = endOffsets(registry.get().all().stream()
                        .map(EventType::topic).toList());
                goneCollectors.put(h.host(), new GoneCollector(h.lastSeen(), snapshot));
                log.info("Collector host {} is gone (last heartbeat {}); its hours are sealed at current offsets",
                        h.host(), h.lastSeen());
            }
        }
    }

    /**
     * Closes the sealed buckets whose partitions are all finalized: writes their {@code _SUCCESS} manifests side by
     * side, then announces them. A bucket counts as closed once Kafka has its announcement.
     */
    private void closeDue(List<Open> open, Instant now) {
        List<Callable<Manifest>> writes = new ArrayList<>();
        Map<BucketId, Decided> decided = new HashMap<>();
        for (Open o : open) {
            Seal seal = ledger.seal(o.bucket()).orElse(null);
            Map<Integer, Finalized> done = ledger.finalizedPartitions(o.bucket());
            if (seal != null && done.size() >= partitionsOf(o.type().topic()).size()) {
                writes.add(() -> manifest(o.bucket(), seal, done, now));
                decided.put(o.bucket(), new Decided(seal, done.values()));
            }
        }
        if (writes.isEmpty()) {
            return;
        }
        List<Manifest> written = new ArrayList<>();
        HourglassException failure = null;
        try {
            for (Future<Manifest> f : manifestWriters.invokeAll(writes)) {
                try {
                    written.add(f.get());
                } catch (ExecutionException e) {
                    failure = e.getCause() instanceof HourglassException h ? h
                            : new HourglassException("cannot close a bucket: " + e.getCause(), e.getCause());
                }
            }
        } catch (InterruptedException e) {
            throw HourglassException.interrupted("writing manifests", e);
        }
        List<Decided> announced = new ArrayList<>();
        try {
            publishAll(written, m -> new ProducerRecord<>(Topics.BUCKETS, m.bucket().key(),
                    Json.toBytes(Announcement.of(m))), m -> {
                        closed(m);
                        announced.add(decided.get(m.bucket()));
                    });
        } finally {
            if (!announced.isEmpty()) {
                FailPoints.reached("completionist.after-announcement");
            }
            writeClosedForms(announced);
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** A bucket counts as closed once Kafka has its announcement. */
    private void closed(Manifest m) {
        ledger.closed(m.bucket());
        metrics.counter("hourglass_buckets_closed_total", "type", m.type(), "complete",
                Boolean.toString(m.complete())).increment();
        log.info("Closed {}: {} events, {} duplicates dropped, {} late, delay {} s, {}", m.bucket(), m.events(),
                m.duplicatesDropped(), m.lateEvents(), m.closeDelaySeconds(),
                m.complete() ? "complete" : "missing " + HostNames.brief(m.missingHosts()));
    }

    /** A bucket about to close: its seal and finalized partitions. */
    private record Decided(Seal seal, Collection<Finalized> parts) {
    }

    /**
     * Writes each closed bucket's seal and finalized partitions again in their {@link ClosedForm}, which compaction
     * then keeps instead. A failure costs only bytes: the records keep their hosts until the retention.
     */
    private void writeClosedForms(List<Decided> closed) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (Decided d : closed) {
            records.add(ClosedForm.of(d.seal()));
            d.parts().forEach(f -> records.add(ClosedForm.of(f)));
        }
        publishClosedForms(records);
    }

    private void publishClosedForms(List<ProducerRecord<String, byte[]>> records) {
        try {
            FailPoints.reached("completionist.closed-forms");
            publishAll(records, Function.identity(), r -> { });
        } catch (HourglassException e) {
            closedFormsToRetry.addAll(records);
            log.warn("Could not write {} closed forms of closed buckets' seals and finalized partitions: {}. Nothing is"
                    + " lost, and they are written again at the next tick; until then their records in Kafka keep"
                    + " their host lists.", records.size(), e.getMessage());
        }
    }

    /** Writes again the closed forms that Kafka did not take before. */
    private void retryClosedForms() {
        if (closedFormsToRetry.isEmpty()) {
            return;
        }
        List<ProducerRecord<String, byte[]>> retry = List.copyOf(closedFormsToRetry);
        closedFormsToRetry.clear();
        publishClosedForms(retry);
        if (closedFormsToRetry.isEmpty()) {
            log.info("Wrote {} closed forms that Kafka had not taken before", retry.size());
        }
    }

    /** Writes the closed forms that a stop between announcements and their closed forms left unwritten. */
    private void writeMissingClosedForms() {
        if (missingClosedForms.size() == 0) {
            return;
        }
        log.info("{} seals and finalized partitions of closed buckets are in Kafka in full only: the completionist"
                + " stopped before it wrote their closed forms. Writing them now.", missingClosedForms.size());
        publishClosedForms(missingClosedForms.closedForms(offsets, Duration.ofSeconds(10)));
    }

    /** The bucket's {@code _SUCCESS} manifest: the one already in the lake, or a new one written there. */
    private Manifest manifest(BucketId b, Seal seal, Map<Integer, Finalized> parts, Instant now) {
        String path = b.successPath();
        if (lake.exists(path)) {
            return readManifest(path);
        }
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
        Manifest manifest = new Manifest(b.type(), b.hour(), seal.sealedAt(), now, delay, seal.complete(), events, dups,
                late, hosts, seal.expectedHosts(), seal.missingHosts(), files, seal.offsets());
        try {
            lake.writeAtomically(path, out -> out.write(Json.MAPPER.writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(manifest)));
        } catch (IOException e) {
            throw new HourglassException("cannot write " + path + ": " + e.getMessage()
                    + "; free space or fix permissions on the lake", e);
        }
        closeDelay.record(Duration.ofSeconds(delay));
        return manifest;
    }

    private Manifest readManifest(String path) {
        try (InputStream in = lake.open(path)) {
            return Json.MAPPER.readValue(in, Manifest.class);
        } catch (IOException e) {
            throw new HourglassException("existing " + path + " is unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * Sends every item, then waits for them all; {@code acknowledged} runs for each that Kafka has, in order. Fails
     * after that if any was not acknowledged: those are decided again next tick.
     */
    private <T> void publishAll(List<T> items, Function<T, ProducerRecord<String, byte[]>> record,
                                Consumer<T> acknowledged) {
        List<Future<RecordMetadata>> sent = new ArrayList<>(items.size());
        List<String> topics = new ArrayList<>(items.size());
        for (T item : items) {
            ProducerRecord<String, byte[]> r = record.apply(item);
            topics.add(r.topic());
            sent.add(producer.send(r));
        }
        HourglassException failure = null;
        for (int i = 0; i < items.size(); i++) {
            try {
                sent.get(i).get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw HourglassException.interrupted("publishing to " + topics.get(i), e);
            } catch (ExecutionException | TimeoutException e) {
                failure = new HourglassException("cannot publish to " + topics.get(i) + ": " + e.getMessage(), e);
                continue;
            }
            acknowledged.accept(items.get(i));
        }
        if (failure != null) {
            throw failure;
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

    /** Offset of the last record in each partition of each topic (-1 when empty), asked in one request. */
    private Map<String, Map<Integer, Long>> endOffsets(Collection<String> topics) {
        List<TopicPartition> all = topics.stream().distinct().flatMap(t -> partitionsOf(t).stream()).toList();
        Map<String, Map<Integer, Long>> last = new HashMap<>();
        offsets.endOffsets(all, Duration.ofSeconds(30)).forEach((tp, end) ->
                last.computeIfAbsent(tp.topic(), t -> new TreeMap<>()).put(tp.partition(), end - 1));
        return last;
    }
}
