package io.hourglass.agent;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.hourglass.core.ContentEncoding;
import io.hourglass.core.HourglassException;
import io.hourglass.core.Json;
import io.hourglass.core.control.HostSignal;
import io.hourglass.core.control.HostSignals;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    private ContentEncoding compression;
    private int current;

    CollectorClient(List<URI> collectors, String host, Duration timeout, ContentEncoding compression) {
        this.collectors = List.copyOf(collectors);
        this.host = host;
        this.timeout = timeout;
        this.compression = compression;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Sends lines; returns what was acknowledged. Throws {@link RetryableException} when it must be resent. */
    FileState.Ack sendEvents(List<byte[]> lines) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try (OutputStream out = compression.compress(body)) {
            for (byte[] l : lines) {
                out.write(l);
                out.write('\n');
            }
        } catch (IOException e) {
            throw new HourglassException("cannot compress batch", e);
        }
        byte[] answer = post("/v1/events", body.toByteArray(), "application/x-ndjson", compression);
        Map<String, Long> counts = new HashMap<>();
        Map<String, Map<Integer, Long>> offsets = new HashMap<>();
        long rejected = 0;
        int results = 0;
        try (JsonParser p = Json.MAPPER.getFactory().createParser(answer)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new RetryableException("collector answered something that is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                if (!"results".equals(p.currentName())) {
                    p.nextToken();
                    p.skipChildren();
                    continue;
                }
                if (p.nextToken() != JsonToken.START_ARRAY) {
                    throw new RetryableException("collector answered 'results' that is not an array");
                }
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    results++;
                    String status = null;
                    String type = null;
                    int partition = -1;
                    long offset = -1;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String field = p.currentName();
                        p.nextToken();
                        switch (field) {
                            case "status" -> status = p.getText();
                            case "type" -> type = p.getText();
                            case "partition" -> partition = p.getIntValue();
                            case "offset" -> offset = p.getLongValue();
                            default -> p.skipChildren();
                        }
                    }
                    if ("accepted".equals(status)) {
                        counts.merge(type, 1L, Long::sum);
                        offsets.computeIfAbsent("events." + type, t -> new HashMap<>())
                                .merge(partition, offset, Math::max);
                    } else {
                        rejected++;
                    }
                }
            }
        } catch (IOException e) {
            throw new RetryableException("collector answered with unreadable JSON: " + e.getMessage());
        }
        if (results != lines.size()) {
            throw new RetryableException("collector answered " + results + " results for " + lines.size()
                    + " events");
        }
        return new FileState.Ack(counts, offsets, rejected);
    }

    void sendSignal(HostSignal signal) {
        String path = signal instanceof io.hourglass.core.control.Marker ? "/v1/markers" : "/v1/heartbeats";
        post(path, HostSignals.toBytes(signal), "application/json", ContentEncoding.IDENTITY);
    }

    private byte[] post(String path, byte[] body, String contentType, ContentEncoding encoding) {
        URI uri = collectors.get(current).resolve(path);
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", contentType)
                .header("Hourglass-Host", host)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (encoding != ContentEncoding.IDENTITY) {
            req.header("Content-Encoding", encoding.token());
        }
        HttpResponse<byte[]> resp;
        try {
            resp = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            failOver();
            throw new RetryableException(uri + " unreachable: " + e);
        } catch (InterruptedException e) {
            throw HourglassException.interrupted("posting to " + uri, e);
        }
        int status = resp.statusCode();
        if (status == 200) {
            return resp.body();
        }
        String answer = new String(resp.body(), StandardCharsets.UTF_8).strip();
        if (refused(status, answer, encoding)) {
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
