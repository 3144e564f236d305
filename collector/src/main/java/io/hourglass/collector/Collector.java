package io.hourglass.collector;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import io.hourglass.core.BodyParser;
import io.hourglass.core.ContentEncoding;
import io.hourglass.core.EnvelopeParser;
import io.hourglass.core.FailPoints;
import io.hourglass.core.HourglassException;
import io.hourglass.core.InvalidEventException;
import io.hourglass.core.Json;
import io.hourglass.core.Lines;
import io.hourglass.core.MemoryBudget;
import io.hourglass.core.avro.AvroBuffer;
import io.hourglass.core.control.BadRow;
import io.hourglass.core.control.Heartbeat;
import io.hourglass.core.control.HostSignal;
import io.hourglass.core.control.HostSignals;
import io.hourglass.core.control.Marker;
import io.hourglass.core.kafka.KafkaSettings;
import io.hourglass.core.kafka.Topics;
import io.hourglass.core.registry.Registry;
import io.hourglass.core.service.Service;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stateless HTTP ingest. {@code POST /v1/events} takes newline-delimited JSON events (optionally zstd or gzip),
 * validates each against the registry, produces the valid ones to {@code events.<type>} and the invalid ones to bad
 * rows, and answers only after Kafka acknowledged all of them. It answers 429 when too busy and 503 when Kafka is not
 * keeping up, so that senders back off instead of the collector buffering without bound.
 */
public final class Collector implements Service {
    /** Header by which an agent names the host whose log it ships. */
    public static final String HOST_HEADER = "Hourglass-Host";
    /**
     * Header by which a sender asks for the {@value #SUMMARY} answer: one acknowledgement per Kafka record (type,
     * partition, offset, events) instead of one result per event, which was twice the request's bytes on the wire.
     */
    public static final String ANSWER_HEADER = "Hourglass-Answer";
    public static final String SUMMARY = "summary";
    private static final Logger log = LoggerFactory.getLogger(Collector.class);
    /** Sets of batch-sized buffers kept for reuse: enough for the batches usually in flight at once. */
    private static final int KEPT_REQUEST_BUFFERS = 8;

    private final CollectorConfig config;
    private final KafkaSettings kafka;
    private final Clock clock;
    private final Supplier<Registry> registry;
    private final EventValidator validator;
    private final DirectClients direct;
    private final Semaphore inFlight;
    private final RequestBuffers requestBuffers;
    private final MeterRegistry metrics;
    private final Timer batchTimer;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile boolean draining;
    private Heartbeat lastHeartbeat = new Heartbeat("none", Instant.EPOCH, Instant.EPOCH);
    private EventProducers producers;
    /** Markers and heartbeats have their own producer, so trouble on an events partition never delays them. */
    private KafkaProducer<String, byte[]> signals;
    private ScheduledExecutorService ticker;

    public Collector(CollectorConfig config, KafkaSettings kafka, Supplier<Registry> registry, Clock clock,
                     MeterRegistry metrics) {
        this.config = requireNonNull(config, "config is null");
        this.kafka = requireNonNull(kafka, "kafka is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.validator = new EventValidator(registry, config.maxEventBytes());
        this.direct = new DirectClients(config.directHost(), config.directGrace());
        this.inFlight = new Semaphore(config.maxInFlightBatches());
        MemoryBudget requestMemory = new MemoryBudget(config.requestMemory());
        this.requestBuffers = new RequestBuffers(Math.min(config.maxInFlightBatches(), KEPT_REQUEST_BUFFERS),
                requestMemory);
        Gauge.builder("hourglass_collector_request_memory_bytes", requestMemory, MemoryBudget::reserved)
                .description("Heap reserved by the batches in flight, of collector.request-memory")
                .register(metrics);
        this.batchTimer = Timer.builder("hourglass_collector_batch_seconds")
                .description("Time from receiving a batch to answering it, Kafka acknowledgement included")
                .publishPercentiles(0.5, 0.99, 0.999)
                .register(metrics);
    }

    /** Installs the collector's routes on an HTTP server. */
    public void routes(RoutesConfig routes) {
        routes.post("/v1/events", this::postEvents);
        routes.post("/v1/markers", ctx -> postSignal(ctx, Marker.class));
        routes.post("/v1/heartbeats", ctx -> postSignal(ctx, Heartbeat.class));
    }

    @Override
    public void start() {
        if (started.compareAndSet(false, true)) {
            ProducerSizing sizing = ProducerSizing.forPartitions(registry.get().all().stream()
                    .mapToInt(t -> t.partitionsOr(kafka.eventPartitions())).sum());
            producers = new EventProducers(kafka, "hourglass-collector-" + config.instanceId(), sizing, metrics);
            signals = new KafkaProducer<>(kafka.controlProducer("hourglass-collector-" + config.instanceId()
                    + "-signals"));
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "collector-direct-markers");
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleWithFixedDelay(this::tickDirectClients, 1, 1, TimeUnit.SECONDS);
            log.info("Collector {} started ({} event producers lingering {} ms); direct clients are marked as"
                    + " host {}", config.instanceId(), sizing.producers(), sizing.lingerMs(), config.directHost());
        }
    }

    /** Stops taking batches, marks what direct clients sent, and flushes the producer. */
    @Override
    public void stop() {
        if (!started.get() || !stopped.compareAndSet(false, true)) {
            return;
        }
        draining = true;
        try {
            if (inFlight.tryAcquire(config.maxInFlightBatches(), config.produceTimeout().toMillis(),
                    TimeUnit.MILLISECONDS)) {
                inFlight.release(config.maxInFlightBatches());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ticker.shutdownNow();
        tickDirectClients();
        producers.close(config.produceTimeout());
        signals.close(config.produceTimeout());
        log.info("Collector {} stopped", config.instanceId());
    }

    @Override
    public String name() {
        return "collector";
    }

    @Override
    public boolean ready() {
        return started.get() && !draining;
    }

    private void postEvents(Context ctx) {
        if (draining) {
            unavailable(ctx, "collector is shutting down; send to another instance");
            return;
        }
        if (!inFlight.tryAcquire()) {
            metrics.counter("hourglass_collector_throttled_total").increment();
            throttled(ctx, "too many batches in flight; retry later");
            return;
        }
        Timer.Sample sample = Timer.start();
        RequestBuffers.Set buffers = requestBuffers.take();
        try {
            Body body;
            try {
                body = readBody(ctx, buffers);
            } catch (BodyTooLargeException e) {
                ctx.status(413).result(e.getMessage());
                return;
            } catch (RequestBuffers.OutOfRequestMemoryException e) {
                // Not logged per batch: under a flood that would be a line per request. The metric counts them.
                metrics.counter("hourglass_collector_out_of_request_memory_total").increment();
                throttled(ctx, e.getMessage()
                        + " (raise collector.request-memory if this is common and the heap allows)");
                return;
            } catch (UnknownContentEncodingException e) {
                ctx.status(415).result(e.getMessage());
                return;
            } catch (IOException e) {
                ctx.status(400).result("cannot read request body: " + e.getMessage());
                return;
            }
            String agentHost = ctx.header(HOST_HEADER);
            if (agentHost != null && !agentHost.matches("[A-Za-z0-9_.:-]{1,128}")) {
                ctx.status(400).result("header " + HOST_HEADER
                        + " must be 1-128 letters, digits, '.', '_', ':' or '-'");
                return;
            }
            byte[] answer = process(body, buffers, agentHost, SUMMARY.equalsIgnoreCase(ctx.header(ANSWER_HEADER)));
            ctx.contentType("application/json").result(answer);
        } catch (KafkaUnavailableException e) {
            metrics.counter("hourglass_collector_unavailable_total").increment();
            log.warn("Answering 503: {}", e.getMessage());
            unavailable(ctx, e.getMessage());
        } finally {
            sample.stop(batchTimer);
            requestBuffers.release(buffers);
            inFlight.release();
        }
    }

    private byte[] process(Body body, RequestBuffers.Set buffers, String agentHost, boolean summary) {
        Instant now = clock.instant();
        String host = agentHost != null ? agentHost : config.directHost();
        int count = body.events().count();
        Acks acks = new Acks(count);
        int[] ackOf = new int[count];
        Packer packer = new Packer(producers, acks, ackOf, buffers.records, buffers.packs);
        List<Object> outcomes = new ArrayList<>(count);
        Receipt receipt = new Receipt(now, host);
        AvroBuffer payload = buffers.payload;
        try (BodyParser lines = new BodyParser(body.bytes(), body.size())) {
            for (int i = 0; i < count; i++) {
                int from = body.events().from(i);
                int to = body.events().to(i);
                try {
                    EnvelopeParser.Parsed<AvroBuffer> e = validator.validate(lines, from, to, payload);
                    outcomes.add(e);
                    packer.add(i, e.type(), receipt.envelope(e), e.payload());
                } catch (InvalidEventException ex) {
                    String line = new String(body.bytes(), from, to - from, StandardCharsets.UTF_8);
                    String type = "malformed_json".equals(ex.reasonCode()) ? BadRow.UNKNOWN_TYPE : typeOf(line);
                    BadRow row = new BadRow(type, ex.reasonCode(), ex.getMessage(), now, host, line);
                    outcomes.add(row);
                    acks.send(producers.forTopic(Topics.BADROWS), new ProducerRecord<>(Topics.BADROWS, type,
                            row.toJson(BadRow.MAX_JSON_BYTES)));
                }
            }
        }
        packer.finish();
        // No flush: concurrent batches share the producer's per-partition batches within linger.ms.
        await(acks);
        FailPoints.reached("collector.after-produce");
        long accepted = 0;
        for (int i = 0; i < outcomes.size(); i++) {
            if (outcomes.get(i) instanceof EnvelopeParser.Parsed<?> e) {
                accepted++;
                if (agentHost == null) {
                    RecordMetadata md = acks.get(ackOf[i]);
                    direct.acknowledged(e.hour(), e.type(), md.topic(), md.partition(), md.offset());
                }
            } else {
                BadRow b = (BadRow) outcomes.get(i);
                metrics.counter("hourglass_collector_rejected_total", "type", b.type(), "reason", b.reasonCode())
                        .increment();
            }
        }
        // Counted by pack, not by event: a map of types updated per event was a fiftieth of the collector's CPU.
        Map<String, Integer> perType = new HashMap<>();
        for (Packer.Sent pack : packer.sent()) {
            perType.merge(pack.type(), pack.events(), Integer::sum);
        }
        perType.forEach((type, n) -> metrics.counter("hourglass_collector_events_total", "type", type).increment(n));
        ByteArrayOutputStream answer = new ByteArrayOutputStream(summary ? 1024 : 64 + outcomes.size() * 80);
        // Streamed rather than built as a tree: one result per event is most of the answer's cost.
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(answer)) {
            g.writeStartObject();
            g.writeNumberField("accepted", accepted);
            g.writeNumberField("rejected", outcomes.size() - accepted);
            if (summary) {
                writeAcks(g, packer.sent(), acks);
            } else {
                writeResults(g, outcomes, acks, ackOf);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new HourglassException("cannot write the answer: " + e.getMessage(), e);
        }
        return answer.toByteArray();
    }

    /** The summary answer: each Kafka record of the batch's events, with how many events it holds. */
    private static void writeAcks(JsonGenerator g, List<Packer.Sent> sent, Acks acks) throws IOException {
        g.writeArrayFieldStart("acks");
        for (Packer.Sent p : sent) {
            RecordMetadata md = acks.get(p.ack());
            g.writeStartObject();
            g.writeStringField("type", p.type());
            g.writeNumberField("partition", md.partition());
            g.writeNumberField("offset", md.offset());
            g.writeNumberField("events", p.events());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** The full answer: a result per event, in the batch's order. */
    private static void writeResults(JsonGenerator g, List<Object> outcomes, Acks acks, int[] ackOf)
            throws IOException {
        g.writeArrayFieldStart("results");
        for (int i = 0; i < outcomes.size(); i++) {
            g.writeStartObject();
            if (outcomes.get(i) instanceof EnvelopeParser.Parsed<?> e) {
                RecordMetadata md = acks.get(ackOf[i]);
                g.writeStringField("status", "accepted");
                g.writeStringField("type", e.type());
                g.writeNumberField("partition", md.partition());
                g.writeNumberField("offset", md.offset());
            } else {
                BadRow b = (BadRow) outcomes.get(i);
                g.writeStringField("status", "rejected");
                g.writeStringField("code", b.reasonCode());
                g.writeStringField("reason", b.reason());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** The type named by an invalid event when it is a registered one (bad rows are filed under it), else unknown. */
    private String typeOf(String line) {
        try {
            String type = Json.MAPPER.readTree(line).path("type").asText("");
            return registry.get().find(type).isPresent() ? type : BadRow.UNKNOWN_TYPE;
        } catch (IOException e) {
            return BadRow.UNKNOWN_TYPE;
        }
    }

    private void postSignal(Context ctx, Class<? extends HostSignal> kind) {
        HostSignal signal;
        try {
            signal = HostSignals.fromBytes(ctx.bodyAsBytes());
            if (!kind.isInstance(signal)) {
                throw new IOException("expected kind " + kind.getSimpleName().toLowerCase());
            }
        } catch (IOException | RuntimeException e) {
            ctx.status(400).result("invalid " + kind.getSimpleName().toLowerCase() + ": " + e.getMessage());
            return;
        }
        try {
            publish(List.of(signal));
            ctx.contentType("application/json").result("{\"status\":\"accepted\"}");
        } catch (KafkaUnavailableException e) {
            unavailable(ctx, e.getMessage());
        }
    }

    private void publish(List<? extends HostSignal> batch) {
        Acks acks = new Acks(batch.size());
        for (HostSignal s : batch) {
            acks.send(signals, new ProducerRecord<>(Topics.MARKERS, HostSignals.key(s), HostSignals.toBytes(s)));
        }
        await(acks);
    }

    private void tickDirectClients() {
        Instant now = clock.instant();
        List<Marker> due = direct.dueMarkers(now);
        Heartbeat hb = direct.heartbeat(now);
        boolean heartbeatDue = !due.isEmpty() || !hb.watermark().equals(lastHeartbeat.watermark())
                || !now.isBefore(lastHeartbeat.sentAt().plus(config.heartbeatInterval()));
        try {
            publish(due);
            if (heartbeatDue) {
                publish(List.of(hb));
                lastHeartbeat = hb;
            }
        } catch (HourglassException e) {
            direct.unpublished(due);
            log.warn("Could not publish direct clients' markers; will retry: {}", e.getMessage());
        }
    }

    private void await(Acks acks) {
        try {
            acks.await(config.produceTimeout());
        } catch (ExecutionException e) {
            throw new KafkaUnavailableException("Kafka did not acknowledge: " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new KafkaUnavailableException("Kafka did not acknowledge within " + config.produceTimeout());
        } catch (InterruptedException e) {
            throw HourglassException.interrupted("waiting for Kafka", e);
        }
    }

    /** A request body and where its events are: each line that holds one, without copying it out. */
    private record Body(byte[] bytes, int size, Lines.Events events) {
    }

    private Body readBody(Context ctx, RequestBuffers.Set buffers) throws IOException {
        String header = ctx.header("Content-Encoding");
        ContentEncoding encoding = ContentEncoding.of(header).orElseThrow(() -> new UnknownContentEncodingException(
                "unsupported Content-Encoding '" + header.substring(0, Math.min(header.length(), 40)) + "'; use "
                        + ContentEncoding.names()));
        int size;
        if (encoding == ContentEncoding.ZSTD) {
            size = buffers.readZstd(ctx.bodyInputStream(), config.maxRequestBytes());
        } else {
            try (InputStream in = encoding.decompress(ctx.bodyInputStream())) {
                size = buffers.read(in, config.maxRequestBytes());
            }
        }
        if (size > config.maxRequestBytes()) {
            throw new BodyTooLargeException("request body exceeds " + config.maxRequestBytes()
                    + " bytes; send smaller batches");
        }
        return new Body(buffers.body(), size, Lines.events(buffers.body(), size));
    }

    /** 429: the sender should slow down and send the batch again. */
    private static void throttled(Context ctx, String message) {
        ctx.status(429).header("Retry-After", "1").result(message);
    }

    private static void unavailable(Context ctx, String message) {
        ctx.status(503).header("Retry-After", "1").result(message);
    }

    private static final class KafkaUnavailableException extends HourglassException {
        KafkaUnavailableException(String message) {
            super(message);
        }
    }

    private static final class BodyTooLargeException extends IOException {
        BodyTooLargeException(String message) {
            super(message);
        }
    }

    private static final class UnknownContentEncodingException extends IOException {
        UnknownContentEncodingException(String message) {
            super(message);
        }
    }
}
