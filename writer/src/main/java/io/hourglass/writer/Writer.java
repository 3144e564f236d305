package io.hourglass.writer;

import static java.util.Objects.requireNonNull;

import io.hourglass.core.EnvelopeHeader;
import io.hourglass.core.HourglassException;
import io.hourglass.core.Hours;
import io.hourglass.core.Json;
import io.hourglass.core.MemoryBudget;
import io.hourglass.core.avro.AvroCheck;
import io.hourglass.core.control.BadRow;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.Finalized;
import io.hourglass.core.control.Seal;
import io.hourglass.core.kafka.EventPack;
import io.hourglass.core.kafka.KafkaSettings;
import io.hourglass.core.kafka.TopicTailer;
import io.hourglass.core.kafka.Topics;
import io.hourglass.core.lake.LakeRecordEncoder;
import io.hourglass.core.lake.LakeRecords;
import io.hourglass.core.lake.LakeStore;
import io.hourglass.core.registry.EventType;
import io.hourglass.core.registry.Registry;
import io.hourglass.core.service.Service;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the event topics of one lane and turns sealed partition-hours into final Avro files.
 *
 * <p>Events are staged per (type, hour, partition) in spill files on local disk, with only ids and offsets in
 * memory. A bucket's partition is finalized once the seal is
 * known and this writer's position has passed the seal offset: events at or below it are deduplicated and written
 * atomically under a deterministic name; events of that hour beyond it are late and move to the open bucket of the
 * hour they arrived in, flagged {@code late}, unless their id is already in a closed bucket. Offsets are committed
 * only below the oldest staged event, so after a crash staging is rebuilt from Kafka and gives the same files.
 */
public final class Writer implements Service {
    private static final Logger log = LoggerFactory.getLogger(Writer.class);
    /**
     * How long a writer keeps the seal of a closed bucket: late events within it are routed without asking the lake
     * whether their hour is closed.
     */
    public static final Duration SEALS_KEPT = Duration.ofHours(48);
    /**
     * A seal that arrives while the writer is idle waits for the poll to return: short, as every bucket's close waits
     * for it, while an idle loop costs next to nothing.
     */
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(50);
    /** Room on the staging disk for the ids of closed partition-hours: 27-53 bytes an id. */
    private static final long CLOSED_IDS_BYTES = 512L << 20;

    private final WriterConfig config;
    private final KafkaSettings kafka;
    private final Supplier<Registry> registry;
    private final LakeStore lake;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final SealBook seals;
    /** Used by the consuming thread only. */
    private final AvroCheck payloadCheck = new AvroCheck();
    private ClosedIds closedIds;
    private ClosedRuns closedRuns;
    private FinalFiles finalFiles;
    /** Late events checked against the ids of a closed partition-hour: each may read a file of the lake. */
    private final Counter closedChecks;
    private final Map<TopicPartition, TreeMap<Instant, BucketStage>> stages = new HashMap<>();
    private final BlockMemory blockMemory;
    /** The heap that the ids of late events in open partition-hours share; beyond it they go to the staging disk. */
    private final MemoryBudget lateIdMemory;
    /** The names that stages count hosts by, shared by all of them. */
    private final HostNamePool hostNames;
    /** Final files written as a header and the blocks their events were staged in. */
    private final Counter filesFromBlocks;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong staged = new AtomicLong();
    private final Thread thread;
    /** Write the final files of a finalize round side by side. */
    private final ExecutorService finalizers;
    private KafkaConsumer<String, byte[]> consumer;
    private KafkaClientMetrics consumerMetrics;
    private KafkaProducer<String, byte[]> producer;
    private TopicTailer tailer;
    private Instant lastCommit = Instant.EPOCH;
    private Instant retryFinalizeAt = Instant.EPOCH;
    private Instant resumeAt = Instant.MAX;
    private StagingDir stagingDir;
    private volatile boolean consuming = true;
    private volatile boolean finalizing = true;
    private volatile boolean staging = true;

    public Writer(WriterConfig config, KafkaSettings kafka, Supplier<Registry> registry, LakeStore lake, Clock clock,
                  MeterRegistry metrics) {
        this.config = requireNonNull(config, "config is null");
        this.kafka = requireNonNull(kafka, "kafka is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.lake = requireNonNull(lake, "lake is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.seals = new SealBook(clock, SEALS_KEPT, b -> lake.exists(b.successPath()));
        this.thread = new Thread(this::run, "writer-" + config.lane() + "-" + config.instanceId());
        AtomicInteger finalizerCount = new AtomicInteger();
        this.finalizers = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), r -> {
            Thread t = new Thread(r, "writer-" + config.lane() + "-" + config.instanceId() + "-finalizer-"
                    + finalizerCount.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        List<Tag> lane = List.of(Tag.of("lane", config.lane()));
        metrics.gauge("hourglass_writer_staged_events", lane, staged);
        metrics.gauge("hourglass_writer_seals_known", lane, seals, SealBook::bucketsKnown);
        this.closedChecks = metrics.counter("hourglass_writer_closed_id_checks_total", lane);
        this.blockMemory = BlockMemory.of(config.codec(), config.blockMemory());
        metrics.gauge("hourglass_writer_block_memory_bytes", lane, blockMemory, BlockMemory::held);
        this.lateIdMemory = new MemoryBudget(config.lateIdMemory());
        metrics.gauge("hourglass_writer_late_id_memory_bytes", lane, lateIdMemory, MemoryBudget::reserved);
        this.hostNames = new HostNamePool(clock);
        this.filesFromBlocks = metrics.counter("hourglass_writer_files_from_blocks_total", lane);
    }

    /** Deterministic name of a partition's final file in its bucket directory. */
    public static String fileName(int partition) {
        return String.format("part-%05d.avro", partition);
    }

    @Override
    public void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        String client = "hourglass-writer-" + config.lane() + "-" + config.instanceId();
        try {
            stagingDir = StagingDir.claim(config.stagingDir(), config.lane() + "-" + config.instanceId());
            closedIds = new ClosedIds(lake, Files.createDirectories(stagingDir.file("closed")), CLOSED_IDS_BYTES,
                    config.dedupMemoryIds(), closedChecks::increment);
            finalFiles = new FinalFiles(registry, lake, config.codec(), config.dedupMemoryIds(), closedIds,
                    filesFromBlocks);
            closedRuns = new ClosedRuns(new ClosedRuns.Buckets() {
                @Override
                public boolean closed(BucketId bucket, int partition) {
                    return seals.closed(bucket, partition);
                }

                @Override
                public boolean mayHoldLateOf(BucketId bucket, int partition, Instant hour) {
                    return closedIds.mayHoldLateOf(bucket, partition, hour);
                }
            });
        } catch (IOException e) {
            running.set(false);
            throw new HourglassException("cannot claim the writer's staging folder under " + config.stagingDir()
                    + ": " + e.getMessage(), e);
        }
        tailer = new TopicTailer(kafka, client + "-seals", List.of(Topics.SEALS, Topics.FINALIZED), seals::accept);
        tailer.start();
        tailer.awaitCaughtUp(Duration.ofSeconds(60));
        producer = new KafkaProducer<>(kafka.controlProducer(client));
        consumer = new KafkaConsumer<>(kafka.consumer(client, config.groupId()));
        // The consumer's own metrics (lag, fetch sizes and rates) on /metrics, as kafka_consumer_*.
        consumerMetrics = new KafkaClientMetrics(consumer, Tags.of("lane", config.lane()));
        consumerMetrics.bindTo(metrics);
        thread.start();
        log.info("Writer {} for lane {} started on types {}", config.instanceId(), config.lane(), laneTopics());
    }

    @Override
    public void stop() {
        if (running.compareAndSet(true, false)) {
            consumer.wakeup();
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            finalizers.shutdownNow();
            tailer.close();
            producer.close(Duration.ofSeconds(5));
            stages.keySet().forEach(this::closeStages);
            closedIds.close();
            try {
                stagingDir.close();
            } catch (IOException e) {
                log.warn("Could not remove the staging folder; the next writer start removes it: {}", e.getMessage());
            }
            log.info("Writer {} for lane {} stopped", config.instanceId(), config.lane());
        }
    }

    @Override
    public String name() {
        return "writer-" + config.lane();
    }

    @Override
    public boolean ready() {
        return running.get() && consuming && finalizing && staging;
    }

    private List<String> laneTopics() {
        return registry.get().all().stream().filter(t -> t.lane().equals(config.lane())).map(EventType::topic)
                .toList();
    }

    private void run() {
        try {
            consumer.subscribe(laneTopics(), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> parts) {
                    commit(true);
                    parts.forEach(p -> dropStages(p));
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> parts) {
                    log.info("Writer {} now owns {}", config.instanceId(), parts);
                    blockMemory.shareAmong(consumer.assignment().size());
                }
            });
            while (running.get()) {
                Set<TopicPartition> stalled = new HashSet<>();
                for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL_TIMEOUT)) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (stalled.contains(tp)) {
                        continue;
                    }
                    try {
                        accept(tp, r);
                    } catch (UncheckedIOException e) {
                        stalled.add(tp);
                        spillFailed(tp, r.offset(), e);
                    }
                }
                resumeStalled();
                finalizeDue();
                if (!clock.instant().isBefore(lastCommit.plus(config.commitInterval()))) {
                    commit(false);
                }
            }
            commit(true);
        } catch (WakeupException e) {
            commit(true);
        } catch (RuntimeException e) {
            consuming = false;
            log.error("Writer for lane {} failed and stopped consuming; restart it (nothing is committed past"
                    + " unwritten data): {}", config.lane(), e.toString(), e);
        } finally {
            consumerMetrics.close();
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void dropStages(TopicPartition p) {
        closeStages(p);
        stages.remove(p);
    }

    private Collection<BucketStage> stagesOf(TopicPartition tp) {
        TreeMap<Instant, BucketStage> byHour = stages.get(tp);
        return byHour == null ? List.of() : byHour.values();
    }

    /** The oldest offset of {@code tp} that staging still needs, or {@code from} if that is older. */
    private long oldestNeeded(TopicPartition tp, long from) {
        long oldest = from;
        for (BucketStage s : stagesOf(tp)) {
            oldest = Math.min(oldest, s.minOffset());
        }
        return oldest;
    }

    private void closeStages(TopicPartition p) {
        for (BucketStage b : stagesOf(p)) {
            staged.addAndGet(-b.size());
            closeQuietly(b);
        }
    }

    private static void closeQuietly(BucketStage b) {
        try {
            b.close();
        } catch (IOException e) {
            log.warn("Could not delete the spill file of {} partition {}: {}", b.bucket(), b.partition(),
                    e.getMessage());
        }
    }

    /**
     * A spill file could not be written or read (the staging disk is full, failing, or was cleaned underneath us):
     * forget the partition's staging, as after a crash, and read it again from Kafka from the oldest offset it
     * depended on, after a pause.
     */
    private void spillFailed(TopicPartition tp, long offset, IOException cause) {
        long from = oldestNeeded(tp, offset);
        dropStages(tp);
        consumer.seek(tp, from);
        consumer.pause(Set.of(tp));
        resumeAt = clock.instant().plus(config.retryInterval());
        staging = false;
        metrics.counter("hourglass_writer_spill_failures_total", "topic", tp.topic()).increment();
        log.error("Cannot stage events of {} in {}: {}. Nothing is lost: the partition is read again from offset {} in"
                        + " {}. Free space on the staging disk (writer.staging-dir) if it is full.", tp,
                config.stagingDir(), cause.getMessage(), from, config.retryInterval());
    }

    private void spillFailed(TopicPartition tp, long offset, UncheckedIOException cause) {
        spillFailed(tp, offset, cause.getCause());
    }

    private void resumeStalled() {
        if (!clock.instant().isBefore(resumeAt)) {
            resumeAt = Instant.MAX;
            consumer.resume(consumer.paused());
            staging = true;
        }
    }

    /**
     * Stages the events of a record: each event of a pack (format 4, or 3 uncompressed) as it is, a lake record; one
     * from a format-2 collector as its lake record (the envelope from the header, then the Avro payload as it is);
     * one from an older collector, or without a readable header, as its JSON.
     */
    private void accept(TopicPartition tp, ConsumerRecord<String, byte[]> r) {
        Header binary = r.headers().lastHeader(EnvelopeHeader.KAFKA_HEADER);
        String type = r.topic().substring(Topics.EVENTS_PREFIX.length());
        if (binary != null && EventPack.isPack(binary.value())) {
            acceptPack(tp, r, type, binary.value());
            return;
        }
        EnvelopeHeader h = binary == null ? null : EnvelopeHeader.fromKafkaHeader(r.key(), binary.value()).orElse(null);
        if (h != null && EnvelopeHeader.valueIsAvro(binary.value())) {
            if (r.value() == null) {
                badRow(r, "an event header without a payload", "");
                return;
            }
            byte[] record = LakeRecordEncoder.fromKafka(type, h, r.value());
            stageAvro(tp, r, type, h, schemaOf(type, h.version()), record, record.length - r.value().length,
                    r.value());
            return;
        }
        if (h == null) {
            try {
                h = EnvelopeHeader.parse(r.value());
            } catch (RuntimeException ex) {
                badRow(r, ex.getMessage(), r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8));
                return;
            }
        }
        route(tp, type, new BucketStage.Staged(r.offset(), h, r.value(), SpillFile.Form.JSON, false), h.hour());
    }

    /** Stages each lake record of a pack; what cannot be read as one goes to bad rows, the rest of the pack is kept. */
    private void acceptPack(TopicPartition tp, ConsumerRecord<String, byte[]> r, String type, byte[] format) {
        EventPack.Contents pack = EventPack.read(format, r.value() == null ? new byte[0] : r.value());
        // A pack's events mostly share a schema version: it is looked up once for them.
        Optional<Schema> schema = Optional.empty();
        int version = 0;
        boolean looked = false;
        for (byte[] record : pack.records()) {
            LakeRecords.Encoded e;
            try {
                e = LakeRecords.envelope(record);
            } catch (RuntimeException ex) {
                badRow(r, "not a lake record: " + ex.getMessage(), base64(record));
                continue;
            }
            if (!e.type().equals(type)) {
                badRow(r, "an event of type '" + e.type() + "' in the topic of " + type, base64(record));
                continue;
            }
            if (!looked || e.header().version() != version) {
                version = e.header().version();
                schema = schemaOf(type, version);
                looked = true;
            }
            stageAvro(tp, r, type, e.header(), schema, record, e.payloadAt(), record);
        }
        if (pack.damage() != null) {
            badRow(r, pack.damage(), base64(pack.rest()));
        }
    }

    private Optional<Schema> schemaOf(String type, int version) {
        return registry.get().find(type).flatMap(t -> t.schema(version));
    }

    /**
     * Stages a lake record whose payload starts at {@code payloadAt}, with {@code schema} its payload's if this writer
     * knows it. Kafka takes events from collectors only, so a payload that is not of its schema is a foreign
     * producer's: it goes to bad rows as {@code asReceived}. One whose schema this writer does not know yet is checked
     * when its file is written.
     */
    private void stageAvro(TopicPartition tp, ConsumerRecord<String, byte[]> r, String type, EnvelopeHeader h,
                           Optional<Schema> schema, byte[] record, int payloadAt, byte[] asReceived) {
        Optional<String> problem = schema.flatMap(s -> payloadCheck.problem(s, record, payloadAt,
                record.length - payloadAt));
        if (problem.isPresent()) {
            badRow(r, problem.get(), base64(asReceived));
            return;
        }
        SpillFile.Form form = schema.isPresent() ? SpillFile.Form.AVRO_CHECKED : SpillFile.Form.AVRO;
        route(tp, type, new BucketStage.Staged(r.offset(), h, record, form, false), h.hour());
    }

    private static String base64(byte[] bytes) {
        return "base64:" + Base64.getEncoder().encodeToString(bytes);
    }

    /**
     * Puts an event into the first bucket, from {@code hour} on, that is not closed (finalized here, or forgotten by
     * the seal book and closed in the lake); if that bucket is sealed below this offset, its finalize moves the event
     * on. An event moved past its own hour is late, and dropped if a closed bucket has its id: every bucket that it
     * passed is closed, so their ids are on disk. That also drops a re-read event of a forgotten bucket, whose seal
     * offset is no longer known.
     */
    private void route(TopicPartition tp, String type, BucketStage.Staged e, Instant hour) {
        int p = tp.partition();
        long offset = e.offset();
        Instant natural = e.header().hour();
        Instant candidate = hour;
        while (true) {
            BucketId b = new BucketId(type, candidate);
            if (!seals.closed(b, p)) {
                stage(tp, b, e, natural, candidate);
                return;
            }
            if (seals.seal(b).map(s -> offset <= s.offset(p)).orElse(false)) {
                return;  // already in that bucket's final file: this is a re-read after a restart
            }
            candidate = candidate.equals(natural)
                    ? later(Hours.hourOf(e.header().receivedAt() == null ? e.header().loggedAt()
                            : e.header().receivedAt()), Hours.end(natural))
                    : Hours.end(candidate);
        }
    }

    private void stage(TopicPartition tp, BucketId b, BucketStage.Staged e, Instant natural, Instant target) {
        BucketStage stage = stages.computeIfAbsent(tp, x -> new TreeMap<>())
                .computeIfAbsent(target, h -> newStage(tp, b));
        if (!target.equals(natural)) {
            if (inEarlierBucket(b.type(), tp.partition(), e.header().id(), natural, target)) {
                stage.duplicateOfClosed(e.offset());
                metrics.counter("hourglass_writer_late_duplicates_total", "type", b.type()).increment();
                return;
            }
            e = e.asLate();
        }
        try {
            stage.add(e);
            staged.incrementAndGet();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private BucketStage newStage(TopicPartition tp, BucketId b) {
        return new BucketStage(b, tp.partition(),
                stagingDir.file(tp.topic() + "-" + tp.partition() + "-" + b.hour().getEpochSecond() + ".spill"),
                blockMemory, lateIdMemory, hostNames);
    }

    /**
     * Whether a bucket between the event's own hour and its late target holds (or will hold) this id: a closed one in
     * its final file; an open one only as a late event, as the event's own hour is closed.
     */
    private boolean inEarlierBucket(String type, int partition, String id, Instant from, Instant target) {
        ClosedRuns.Run run = closedRuns.from(type, partition, from, target);
        for (Instant h : run.holders()) {
            if (h.isBefore(target) && closedIds.contains(new BucketId(type, h), partition, id)) {
                return true;
            }
        }
        // Past the run, an open bucket comes first: it and the rest are asked about for every event.
        TreeMap<Instant, BucketStage> hours = stages.getOrDefault(new TopicPartition(Topics.events(type), partition),
                new TreeMap<>());
        for (Instant h = run.end(); h.isBefore(target); h = Hours.end(h)) {
            BucketId b = new BucketId(type, h);
            if (seals.closed(b, partition)) {
                if (closedIds.mayHoldLateOf(b, partition, from) && closedIds.contains(b, partition, id)) {
                    return true;
                }
            } else {
                BucketStage s = hours.get(h);
                Seal seal = seals.seal(b).orElse(null);
                if (s != null && s.containsLate(id, seal == null ? Long.MAX_VALUE : seal.offset(partition))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /** A partition-hour whose file is written and whose {@code finalized} record is on its way to Kafka. */
    private record Finalizing(TopicPartition tp, Seal seal, BucketStage stage, IdIndex ids, Finalized finalized,
                              Future<RecordMetadata> published) { }

    /**
     * Writes the files of every partition-hour that is due, then waits for all their {@code finalized} records at
     * once. A partition finalizes at most one hour per round, because finalizing an hour moves its late events
     * into the next one.
     */
    private void finalizeDue() {
        if (clock.instant().isBefore(retryFinalizeAt)) {
            return;
        }
        Set<TopicPartition> owned = consumer.assignment();
        if (owned.isEmpty()) {
            return;
        }
        Map<String, List<Integer>> partitions = new HashMap<>();
        for (TopicPartition tp : owned) {
            partitions.computeIfAbsent(tp.topic().substring(Topics.EVENTS_PREFIX.length()), t -> new ArrayList<>())
                    .add(tp.partition());
        }
        List<Due> due = new ArrayList<>();
        Set<TopicPartition> busy = new HashSet<>();
        for (Seal seal : seals.pending(partitions)) {
            for (int p : partitions.get(seal.type())) {
                TopicPartition tp = new TopicPartition(Topics.events(seal.type()), p);
                if (busy.contains(tp) || seals.isFinalized(seal.bucket(), p)
                        || consumer.position(tp) <= seal.offset(p)) {
                    continue;
                }
                due.add(prepare(tp, seal));
                busy.add(tp);
            }
        }
        List<Future<FinalFiles.Written>> written = writeAll(due);
        List<Finalizing> sending = new ArrayList<>();
        boolean failed = false;
        for (int i = 0; i < due.size(); i++) {
            Due d = due.get(i);
            try {
                sending.add(publish(d, result(written.get(i))));
            } catch (SpillFile.Unreadable e) {
                spillFailed(d.tp(), consumer.position(d.tp()), e);
                failed = true;
            } catch (IOException | HourglassException e) {
                finalizeFailed(d.seal(), d.tp().partition(), e);
                failed = true;
                forget(written.subList(i + 1, written.size()));  // their files are kept and found again on the retry
                break;
            }
        }
        for (Finalizing f : sending) {
            try {
                f.published().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                finalizeFailed(f.seal(), f.tp().partition(), new HourglassException("cannot publish finalized "
                        + f.finalized().key() + ": " + e.getMessage(), e));
                ClosedIds.closeQuietly(f.ids());
                failed = true;
                continue;
            }
            finalized(f);
        }
        if (!failed && !sending.isEmpty()) {
            finalizing = true;
        }
    }

    private void finalizeFailed(Seal seal, int partition, Exception e) {
        finalizing = false;
        retryFinalizeAt = clock.instant().plus(config.retryInterval());
        metrics.counter("hourglass_writer_finalize_failures_total", "type", seal.type()).increment();
        log.error("Cannot finalize {} partition {}: {}. Nothing is committed past it; retrying in {}."
                        + " If the lake's disk is full or read-only, free space or fix permissions.",
                seal.bucket(), partition, e.getMessage(), config.retryInterval());
    }

    /** A partition-hour due to be finalized: its stage and its final file. */
    private record Due(TopicPartition tp, Seal seal, BucketStage stage, String name, String path) {
    }

    private Due prepare(TopicPartition tp, Seal seal) {
        BucketId b = seal.bucket();
        TreeMap<Instant, BucketStage> byHour = stages.computeIfAbsent(tp, x -> new TreeMap<>());
        BucketStage stage = byHour.containsKey(b.hour()) ? byHour.get(b.hour()) : newStage(tp, b);
        String name = fileName(tp.partition());
        return new Due(tp, seal, stage, name, "lake/" + b.path() + "/" + name);
    }

    /**
     * Writes the final files of a round on the finalizer threads, one per core, while the writer thread waits: the
     * files are independent, and a round's cost is mostly their Avro encoding and compression.
     */
    private List<Future<FinalFiles.Written>> writeAll(List<Due> due) {
        List<Callable<FinalFiles.Written>> work = new ArrayList<>();
        for (Due d : due) {
            work.add(() -> finalFiles.write(d.seal(), d.tp().partition(), d.stage(), d.path()));
        }
        try {
            return finalizers.invokeAll(work);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw HourglassException.interrupted("writing final files", e);
        }
    }

    /** Closes the indexes of finalizes that will not be published; the retry builds them again. */
    private static void forget(List<Future<FinalFiles.Written>> written) {
        for (Future<FinalFiles.Written> w : written) {
            try {
                ClosedIds.closeQuietly(w.get().ids());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                // it failed, and closed its index then
            }
        }
    }

    private static FinalFiles.Written result(Future<FinalFiles.Written> written) throws IOException {
        try {
            return written.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw HourglassException.interrupted("writing final files", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new HourglassException("cannot write a final file: " + e.getCause(), e.getCause());
        }
    }

    /** Sends the partition-hour's {@code finalized}. */
    private Finalizing publish(Due d, FinalFiles.Written w) {
        BucketId b = d.seal().bucket();
        int p = d.tp().partition();
        BucketStage.Sealed in = w.sealed();
        Finalized f = new Finalized(b.type(), b.hour(), p, in.events() == 0 ? null : d.name(), in.events(),
                d.stage().duplicatesOfClosed() + w.duplicates(), in.late(), in.hosts(), clock.instant());
        return new Finalizing(d.tp(), d.seal(), d.stage(), w.ids(), f,
                producer.send(new ProducerRecord<>(Topics.FINALIZED, null, f.key(), Json.toBytes(f), f.headers())));
    }

    /** Once Kafka has the {@code finalized} record: forgets the stage and moves its events beyond the seal on. */
    private void finalized(Finalizing done) {
        TopicPartition tp = done.tp();
        BucketStage stage = done.stage();
        BucketId b = done.seal().bucket();
        long sealOffset = done.seal().offset(tp.partition());
        seals.markFinalized(done.finalized());
        if (done.finalized().events() > 0) {
            closedIds.remember(b, tp.partition(), done.ids());
        } else {
            ClosedIds.closeQuietly(done.ids());
        }
        stages.getOrDefault(tp, new TreeMap<>()).remove(b.hour());
        staged.addAndGet(-stage.size());
        metrics.counter("hourglass_writer_events_written_total", "type", b.type())
                .increment(done.finalized().events());
        metrics.counter("hourglass_writer_duplicates_dropped_total", "type", b.type())
                .increment(done.finalized().duplicatesDropped());
        if (stage.maxOffset() <= sealOffset) {
            closeQuietly(stage);  // nothing arrived beyond the seal: no need to read the spill file again
            return;
        }
        try {
            stage.read(true, e -> {
                if (e.offset() > sealOffset) {
                    EnvelopeHeader h = e.form() == SpillFile.Form.JSON ? EnvelopeHeader.parse(e.raw())
                            : LakeRecords.envelope(e.raw()).header();
                    route(tp, b.type(), new BucketStage.Staged(e.offset(), h, e.raw(), e.form(), e.late()), b.hour());
                }
            });
        } catch (IOException e) {
            spillFailed(tp, stage.minOffset(), e);
        } catch (UncheckedIOException e) {
            spillFailed(tp, stage.minOffset(), e);
        } finally {
            closeQuietly(stage);
        }
    }

    private void commit(boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : consumer.assignment()) {
            offsets.put(tp, new OffsetAndMetadata(oldestNeeded(tp, consumer.position(tp))));
        }
        lastCommit = clock.instant();
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            try {
                consumer.commitSync(offsets, Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                log.warn("Commit failed; uncommitted events will be re-read after a restart: {}", e.getMessage());
            }
        } else {
            consumer.commitAsync(offsets, (o, e) -> {
                if (e != null) {
                    log.warn("Commit failed; will retry: {}", e.getMessage());
                }
            });
        }
    }

    private void badRow(ConsumerRecord<String, byte[]> r, String reason, String raw) {
        String type = r.topic().substring(Topics.EVENTS_PREFIX.length());
        BadRow row = new BadRow(type, "unreadable_in_kafka", reason, clock.instant(), null, raw);
        try {
            producer.send(new ProducerRecord<>(Topics.BADROWS, type, row.toJson(BadRow.MAX_JSON_BYTES)))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new HourglassException("cannot move " + r.topic() + "-" + r.partition() + "@" + r.offset()
                    + " to bad rows: " + e.getMessage(), e);
        }
        metrics.counter("hourglass_writer_bad_records_total", "type", type).increment();
        log.warn("{}-{}@{} is not a valid event ({}); moved to bad rows", r.topic(), r.partition(), r.offset(), reason);
    }
}
