package io.hourglass.agent;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.hourglass.core.BodyCompressor;
import io.hourglass.core.ContentEncoding;
import io.hourglass.core.HourglassException;
import io.hourglass.core.Json;
import io.hourglass.core.control.HostSignal;
import io.hourglass.core.control.HostSignals;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends batches and signals to collectors over HTTP, failing over to the next URL when one does not answer. A
 * collector that does not take the configured compression (one from before zstd) gets gzip from then on.
 */
final class CollectorClient {
    private static final Logger log = LoggerFactory.getLogger(CollectorClient.class);
    private final List<URI> collectors;
    private final String host;
    private final Duration timeout;
    private final HttpClient http;
    /**
     * Batches go out by the blocking {@code send}, one thread per batch in flight, reused from batch to batch: it runs
     * the exchange in its own thread, where {@code sendAsync} hops between the client's threads and, on a host of two
     * cores or fewer (the common pool then has one thread), starts a new thread to complete every answer. Cached, not
     * fixed: a resend after a failure never waits behind a request that still hangs.
     */
    private final ExecutorService senders;
    private ContentEncoding compression;
    private BodyCompressor compressor;
    private int current;
    /**
     * Compressed batches' buffers, kept from one batch to the next (their doubling growth was most of an agent's
     * garbage). A buffer comes back once its request is over, not when the agent gives up waiting for it: until then
     * the HTTP client may still be reading it.
     */
    private final Queue<Body> spareBodies = new ConcurrentLinkedQueue<>();

    private static final class Body extends ByteArrayOutputStream {
        Body() {
            super(64 * 1024);
        }

        byte[] array() {
            return buf;
        }
    }

    /** A batch on its way to a collector: where it went, how, and the answer when it comes. */
    record Sent(URI uri, int events, ContentEncoding encoding, CompletableFuture<HttpResponse<byte[]>> response) {
    }

    CollectorClient(List<URI> collectors, String host, Duration timeout, ContentEncoding compression) {
        this.collectors = List.copyOf(collectors);
        this.host = host;
        this.timeout = timeout;
        this.compression = compression;
        this.compressor = new BodyCompressor(compression);
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        AtomicInteger n = new AtomicInteger();
        this.senders = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "agent-" + host + "-send-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Stops the batches still on their way; their answers complete exceptionally. */
    void close() {
        senders.shutdownNow();
        try {
            compressor.close();
        } catch (IllegalStateException inUse) {
            // zstd refuses to free a context in use: the agent's thread did not stop in time and compresses right now.
            log.warn("Agent for host {} was still compressing a batch when it was stopped; its zstd context (under a"
                    + " megabyte) stays allocated until the process exits", host);
        }
    }

    /**
     * Sends the lines {@code lines[0, length)}, which hold {@code events} events, without waiting for the answer;
     * {@link #acknowledgement} waits for it. The lines are copied (compressed) before this returns. Called by one
     * thread.
     */
    Sent sendEvents(byte[] lines, int length, int events) {
        Body body = Objects.requireNonNullElseGet(spareBodies.poll(), Body::new);
        body.reset();
        byte[] text = lines;
        int size = length;
        if (size > 0 && text[size - 1] != '\n') {  // one line: a sealed file's last, or the head of one too long
            text = Arrays.copyOf(lines, length + 1);
            text[size++] = '\n';
        }
        try {
            compressor().compress(text, 0, size, body);
        } catch (IOException e) {
            spareBodies.add(body);
            throw new HourglassException("cannot compress batch", e);
        }
        URI uri = collectors.get(current).resolve("/v1/events");
        HttpRequest request = request(uri, body.array(), body.size(), "application/x-ndjson", compression);
        CompletableFuture<HttpResponse<byte[]>> response = CompletableFuture.supplyAsync(() -> {
            try {
                return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                throw new CompletionException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CompletionException(e);
            } finally {
                spareBodies.add(body);
            }
        }, senders);
        return new Sent(uri, events, compression, response);
    }

    /** The compressor of the encoding batches go out in now, made again when that changes. */
    private BodyCompressor compressor() {
        if (compressor.encoding() != compression) {
            compressor.close();
            compressor = new BodyCompressor(compression);
        }
        return compressor;
    }

    /**
     * Waits for a sent batch's answer; returns what was acknowledged. Throws {@link RetryableException} when it must
     * be resent. Called by the thread that sent it.
     */
    FileState.Ack acknowledgement(Sent sent) {
        HttpResponse<byte[]> resp;
        try {
            resp = sent.response().get();
        } catch (InterruptedException e) {
            throw HourglassException.interrupted("posting to " + sent.uri(), e);
        } catch (ExecutionException e) {
            throw unreachable(sent.uri(), e.getCause());
        }
        byte[] answer = answer(sent.uri(), resp, sent.encoding());
        try (JsonParser p = Json.MAPPER.getFactory().createParser(answer)) {
            return read(p, sent.events());
        } catch (IOException e) {
            throw new RetryableException("collector answered with unreadable JSON: " + e.getMessage());
        }
    }

    /**
     * Reads an answer to a batch of {@code sent} events: the summary (one acknowledgement per Kafka record, with its
     * events) that the agent asks for, or a result per event from collectors before it. An answer that does not add
     * up to the batch is resent.
     */
    private static FileState.Ack read(JsonParser p, int sent) throws IOException {
        Map<String, Long> counts = new HashMap<>();
        Map<String, Map<Integer, Long>> offsets = new HashMap<>();
        long accepted = -1;
        long rejected = -1;
        long acknowledged = 0;
        long resultsRejected = 0;
        int results = 0;
        boolean summary = false;
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new RetryableException("collector answered something that is not a JSON object");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "accepted" -> accepted = p.getValueAsLong(-1);
                case "rejected" -> rejected = p.getValueAsLong(-1);
                case "acks" -> {
                    summary = true;
                    for (Acknowledged a : elements(p, field, value)) {
                        if (a.type() == null || a.events() < 1) {
                            throw new RetryableException("collector answered an acknowledgement without type or"
                                    + " events");
                        }
                        acknowledged += a.events();
                        add(counts, offsets, a, a.events());
                    }
                }
                case "results" -> {
                    for (Acknowledged a : elements(p, field, value)) {
                        results++;
                        if ("accepted".equals(a.status()) && a.type() != null) {
                            add(counts, offsets, a, 1);
                        } else {
                            resultsRejected++;
                        }
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (summary) {
            if (accepted < 0 || rejected < 0 || accepted + rejected != sent || acknowledged != accepted) {
                throw new RetryableException("collector answered " + accepted + " accepted and " + rejected
                        + " rejected, with acknowledgements for " + acknowledged + ", for " + sent + " events");
            }
            return new FileState.Ack(counts, offsets, rejected);
        }
        if (results != sent) {
            throw new RetryableException("collector answered " + results + " results for " + sent + " events");
        }
        return new FileState.Ack(counts, offsets, resultsRejected);
    }

    private static void add(Map<String, Long> counts, Map<String, Map<Integer, Long>> offsets, Acknowledged a,
                            long events) {
        counts.merge(a.type(), events, Long::sum);
        offsets.computeIfAbsent("events." + a.type(), t -> new HashMap<>()).merge(a.partition(), a.offset(), Math::max);
    }

    private static List<Acknowledged> elements(JsonParser p, String field, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            throw new RetryableException("collector answered '" + field + "' that is not an array");
        }
        List<Acknowledged> all = new ArrayList<>();
        while (p.nextToken() == JsonToken.START_OBJECT) {
            all.add(acknowledged(p));
        }
        return all;
    }

    /** One element of an answer: a record's acknowledgement, or an event's result. */
    private record Acknowledged(String status, String type, int partition, long offset, long events) {
    }

    private static Acknowledged acknowledged(JsonParser p) throws IOException {
        String status = null;
        String type = null;
        int partition = -1;
        long offset = -1;
        long events = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "status" -> status = p.getText();
                case "type" -> type = p.getText();
                case "partition" -> partition = p.getIntValue();
                case "offset" -> offset = p.getLongValue();
                case "events" -> events = p.getLongValue();
                default -> p.skipChildren();
            }
        }
        return new Acknowledged(status, type, partition, offset, events);
    }

    void sendSignal(HostSignal signal) {
        String path = signal instanceof io.hourglass.core.control.Marker ? "/v1/markers" : "/v1/heartbeats";
        byte[] bytes = HostSignals.toBytes(signal);
        post(path, bytes, bytes.length, "application/json", ContentEncoding.IDENTITY);
    }

    /** Posts the first {@code length} bytes of {@code body} and waits for the answer. */
    private byte[] post(String path, byte[] body, int length, String contentType, ContentEncoding encoding) {
        URI uri = collectors.get(current).resolve(path);
        try {
            return answer(uri, http.send(request(uri, body, length, contentType, encoding),
                    HttpResponse.BodyHandlers.ofByteArray()), encoding);
        } catch (IOException e) {
            throw unreachable(uri, e);
        } catch (InterruptedException e) {
            throw HourglassException.interrupted("posting to " + uri, e);
        }
    }

    private HttpRequest request(URI uri, byte[] body, int length, String contentType, ContentEncoding encoding) {
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", contentType)
                .header("Hourglass-Host", host)
                .header("Hourglass-Answer", "summary")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body, 0, length));
        if (encoding != ContentEncoding.IDENTITY) {
            req.header("Content-Encoding", encoding.token());
        }
        return req.build();
    }

    private RetryableException unreachable(URI uri, Throwable cause) {
        failOver();
        return new RetryableException(uri + " unreachable: " + cause);
    }

    /** The body of a 200 answer; anything else is a {@link RetryableException}. */
    private byte[] answer(URI uri, HttpResponse<byte[]> resp, ContentEncoding encoding) {
        int status = resp.statusCode();
        if (status == 200) {
            return resp.body();
        }
        String answer = new String(resp.body(), StandardCharsets.UTF_8).strip();
        if (refused(status, answer, encoding) && compression != ContentEncoding.GZIP) {
            log.warn("{} does not take {} request bodies ({}); host {} sends gzip from now on. Upgrade the collectors"
                    + " or set agent.compression=gzip.", uri, encoding.token(), status, host);
            compression = ContentEncoding.GZIP;
        }
        if (status == 429 || status >= 500) {
            failOver();
        }
        throw new RetryableException(uri + " answered " + status + ": " + answer);
    }

    /** Whether a collector refused the body's encoding: 415, or the 400 of collectors that knew only gzip. */
    private static boolean refused(int status, String answer, ContentEncoding encoding) {
        boolean compressed = encoding != ContentEncoding.IDENTITY && encoding != ContentEncoding.GZIP;
        return compressed && (status == 415 || status == 400 && answer.contains("unsupported Content-Encoding"));
    }

    private void failOver() {
        current = (current + 1) % collectors.size();
    }

    /** The request did not go through; send it again after a backoff. */
    static final class RetryableException extends HourglassException {
        RetryableException(String message) {
            super(message);
        }
    }
}
