package io.hourglass.writer;

import static java.util.Objects.requireNonNull;

import io.hourglass.core.EnvelopeHeader;
import io.hourglass.core.FailPoints;
import io.hourglass.core.HourglassException;
import io.hourglass.core.Hours;
import io.hourglass.core.Json;
import io.hourglass.core.control.BadRow;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.Finalized;
import io.hourglass.core.control.Seal;
import io.hourglass.core.kafka.KafkaSettings;
import io.hourglass.core.kafka.TopicTailer;
import io.hourglass.core.kafka.Topics;
import io.hourglass.core.lake.LakeRecords;
import io.hourglass.core.lake.LakeStore;
import io.hourglass.core.registry.EventType;
import io.hourglass.core.registry.Registry;
import io.hourglass.core.service.Service;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the event topics of one lane and turns sealed partition-hours into final Avro files.
 *
 * <p>Events are staged in memory per (type, hour, partition). A bucket's partition is finalized once the seal is
 * known and this writer's position has passed the seal offset: events at or below it are deduplicated and written
 * atomically under a deterministic name; events of that hour beyond it are late and move to the open bucket of the
 * hour they arrived in, flagged {@code late}, unless their id is already in a closed bucket. Offsets are committed
 * only below the oldest staged event, so after a crash staging is rebuilt from Kafka and gives the same files.
 */
public final class Writer implements Service {
    private static final Logger log = LoggerFactory.getLogger(Writer.class);

    private final WriterConfig config;
    private final KafkaSettings kafka;
    private final Supplier<Registry> registry;
    private final LakeStore lake;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final SealBook seals = new SealBook();
    private final ClosedIds closedIds;
    private final Map<TopicPartition, TreeMap<Instant, BucketStage>> stages = new HashMap<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong staged = new AtomicLong();
    private final Thread thread;
    private KafkaConsumer<String, byte[]> consumer;
    private KafkaProducer<String, byte[]> producer;
    private TopicTailer tailer;
    private Instant lastCommit = Instant.EPOCH;
    private Instant retryFinalizeAt = Instant.EPOCH;
    private volatile boolean healthy = true;

    public Writer(WriterConfig config, KafkaSettings kafka, Supplier<Registry> registry, LakeStore lake, Clock clock,
                  MeterRegistry metrics) {
        this.config = requireNonNull(config, "config is null");
        this.kafka = requireNonNull(kafka, "kafka is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.lake = requireNonNull(lake, "lake is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.closedIds = new ClosedIds(lake);
        this.thread = new Thread(this::run, "writer-" + config.lane() + "-" + config.instanceId());
        metrics.gauge("hourglass_writer_staged_events", List.of(io.micrometer.core.instrument.Tag.of("lane",
                config.lane())), staged);
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
        tailer = new TopicTailer(kafka, client + "-seals", List.of(Topics.SEALS, Topics.FINALIZED), seals::accept);
        tailer.start();
        tailer.awaitCaughtUp(Duration.ofSeconds(60));
        producer = new KafkaProducer<>(kafka.producer(client));
        consumer = new KafkaConsumer<>(kafka.consumer(client, config.groupId()));
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
            tailer.close();
            producer.close(Duration.ofSeconds(5));
            log.info("Writer {} for lane {} stopped", config.instanceId(), config.lane());
        }
    }

    @Override
    public String name() {
        return "writer-" + config.lane();
    }

    @Override
    public boolean ready() {
        return running.get() && healthy;
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
                }
            });
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    accept(r);
                }
                finalizeDue();
                if (!clock.instant().isBefore(lastCommit.plus(config.commitInterval()))) {
                    commit(false);
                }
            }
            commit(true);
        } catch (WakeupException e) {
            commit(true);
        } catch (RuntimeException e) {
            healthy = false;
            log.error("Writer for lane {} failed and stopped consuming; restart it (nothing is committed past"
                    + " unwritten data): {}", config.lane(), e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void dropStages(TopicPartition p) {
        TreeMap<Instant, BucketStage> s = stages.remove(p);
        if (s != null) {
            s.values().forEach(b -> staged.addAndGet(-b.size()));
        }
    }

    private void accept(ConsumerRecord<String, byte[]> r) {
        EnvelopeHeader h;
        try {
            h = EnvelopeHeader.parse(r.value());
        } catch (RuntimeException ex) {
            badRow(r, ex.getMessage());
            return;
        }
        String type = r.topic().substring(Topics.EVENTS_PREFIX.length());
        route(new TopicPartition(r.topic(), r.partition()), type,
                new BucketStage.Staged(r.offset(), h, r.value(), false), h.hour());
    }

    /**
     * Puts an event into the first bucket, from {@code hour} on, that can still take it: the bucket must not be
     * sealed below this offset. An event moved past its own hour is late, and dropped if a closed bucket has its id.
     */
    private void route(TopicPartition tp, String type, BucketStage.Staged e, Instant hour) {
        int p = tp.partition();
        long offset = e.offset();
        Instant natural = e.header().hour();
        Instant candidate = hour;
        while (true) {
            BucketId b = new BucketId(type, candidate);
            Seal seal = seals.seal(b).orElse(null);
            boolean finalized = seals.isFinalized(b, p);
            if (seal == null || (!finalized && offset <= seal.offset(p))) {
                stage(tp, b, e, natural, candidate);
                return;
            }
            if (finalized && offset <= seal.offset(p)) {
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
                .computeIfAbsent(target, h -> new BucketStage(b, tp.partition()));
        if (!target.equals(natural)) {
            if (inEarlierBucket(b.type(), tp.partition(), e.header().id(), natural, target)) {
                stage.duplicateOfClosed(e.offset());
                metrics.counter("hourglass_writer_late_duplicates_total", "type", b.type()).increment();
                return;
            }
            e = new BucketStage.Staged(e.offset(), e.header(), e.raw(), true);
        }
        if (stage.add(e)) {
            staged.incrementAndGet();
        }
    }

    /** Whether a bucket between the event's own hour and its late target holds (or will hold) this id. */
    private boolean inEarlierBucket(String type, int partition, String id, Instant from, Instant target) {
        TopicPartition tp = new TopicPartition(Topics.events(type), partition);
        for (Instant h = from; h.isBefore(target); h = Hours.end(h)) {
            BucketId b = new BucketId(type, h);
            if (seals.isFinalized(b, partition)) {
                if (closedIds.contains(b, partition, id)) {
                    return true;
                }
            } else {
                BucketStage s = stages.containsKey(tp) ? stages.get(tp).get(h) : null;
                Seal seal = seals.seal(b).orElse(null);
                if (s != null && s.contains(id, seal == null ? Long.MAX_VALUE : seal.offset(partition))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

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
        for (Seal seal : seals.pending(partitions.keySet(), partitions)) {
            for (int p : partitions.get(seal.type())) {
                TopicPartition tp = new TopicPartition(Topics.events(seal.type()), p);
                if (seals.isFinalized(seal.bucket(), p) || consumer.position(tp) <= seal.offset(p)) {
                    continue;
                }
                try {
                    finalizePartition(tp, seal);
                    healthy = true;
                } catch (IOException | HourglassException e) {
                    healthy = false;
                    retryFinalizeAt = clock.instant().plus(config.retryInterval());
                    metrics.counter("hourglass_writer_finalize_failures_total", "type", seal.type()).increment();
                    log.error("Cannot finalize {} partition {}: {}. Nothing is committed past it; retrying in {}."
                                    + " If the lake's disk is full or read-only, free space or fix permissions.",
                            seal.bucket(), p, e.getMessage(), config.retryInterval());
                    return;
                }
            }
        }
    }

    private void finalizePartition(TopicPartition tp, Seal seal) throws IOException {
        BucketId b = seal.bucket();
        int p = tp.partition();
        long sealOffset = seal.offset(p);
        TreeMap<Instant, BucketStage> byHour = stages.computeIfAbsent(tp, x -> new TreeMap<>());
        BucketStage stage = byHour.getOrDefault(b.hour(), new BucketStage(b, p));
        List<BucketStage.Staged> in = stage.upTo(sealOffset);
        String name = fileName(p);
        String path = "lake/" + b.path() + "/" + name;
        Map<String, Long> hosts = new TreeMap<>();
        long late = 0;
        Set<String> ids = new HashSet<>();
        for (BucketStage.Staged s : in) {
            hosts.merge(s.header().host() == null ? "" : s.header().host(), 1L, Long::sum);
            late += s.late() ? 1 : 0;
            ids.add(s.header().id());
        }
        if (!in.isEmpty()) {
            if (lake.exists(path)) {
                log.info("{} already exists (written before a restart); keeping it", path);
            } else {
                writeFile(path, b.type(), in);
            }
            closedIds.remember(b, p, ids);
        }
        Finalized f = new Finalized(b.type(), b.hour(), p, in.isEmpty() ? null : name, in.size(),
                stage.duplicates(), late, hosts, clock.instant());
        try {
            producer.send(new ProducerRecord<>(Topics.FINALIZED, f.key(), Json.toBytes(f)))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new HourglassException("cannot publish finalized " + f.key() + ": " + e.getMessage(), e);
        }
        seals.markFinalized(f);
        byHour.remove(b.hour());
        staged.addAndGet(-stage.size());
        metrics.counter("hourglass_writer_events_written_total", "type", b.type()).increment(in.size());
        metrics.counter("hourglass_writer_duplicates_dropped_total", "type", b.type()).increment(stage.duplicates());
        for (BucketStage.Staged s : stage.beyond(sealOffset)) {
            route(tp, b.type(), s, b.hour());
        }
    }

    private void writeFile(String path, String typeName, List<BucketStage.Staged> events) throws IOException {
        EventType type = registry.get().find(typeName).orElseThrow(() -> new HourglassException(
                "type " + typeName + " is no longer registered; re-register it to finalize its buckets"));
        int version = events.stream().mapToInt(s -> s.header().version()).max().orElse(type.latestVersion());
        Schema payload = type.schema(version).orElseThrow(() -> new HourglassException(
                "type " + typeName + " lost schema version " + version));
        Schema schema = LakeRecords.schema(typeName, payload);
        List<GenericData.Record> records = new ArrayList<>(events.size());
        for (BucketStage.Staged s : events) {
            records.add(LakeRecords.toRecord(s.event(), schema));
        }
        lake.writeAtomically(path, out -> {
            try (DataFileWriter<GenericData.Record> w = new DataFileWriter<>(new GenericDatumWriter<>(schema))) {
                w.setCodec(CodecFactory.deflateCodec(1));
                w.setMeta("hourglass.schema_version", version);
                w.create(schema, out);
                for (int i = 0; i < records.size(); i++) {
                    w.append(records.get(i));
                    if (i == records.size() / 2) {
                        w.flush();
                        FailPoints.reached("writer.mid-file");
                    }
                }
            }
        });
    }

    private void commit(boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : consumer.assignment()) {
            long safe = consumer.position(tp);
            for (BucketStage s : stages.containsKey(tp) ? stages.get(tp).values() : List.<BucketStage>of()) {
                safe = Math.min(safe, s.minOffset());
            }
            offsets.put(tp, new OffsetAndMetadata(safe));
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

    private void badRow(ConsumerRecord<String, byte[]> r, String reason) {
        String raw = r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8);
        String type = r.topic().substring(Topics.EVENTS_PREFIX.length());
        BadRow row = new BadRow(type, "unreadable_in_kafka", reason, clock.instant(), null, raw);
        try {
            producer.send(new ProducerRecord<>(Topics.BADROWS, type, Json.toBytes(row))).get(30, TimeUnit.SECONDS);
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
