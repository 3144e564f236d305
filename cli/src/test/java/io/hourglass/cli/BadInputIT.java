package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hourglass.collector.CollectorConfig;
import io.hourglass.core.ContentEncoding;
import io.hourglass.core.EnvelopeHeader;
import io.hourglass.core.Json;
import io.hourglass.core.avro.AvroBuffer;
import io.hourglass.core.avro.AvroBytes;
import io.hourglass.core.control.BadRow;
import io.hourglass.core.control.BucketId;
import io.hourglass.core.control.Manifest;
import io.hourglass.core.kafka.EventPack;
import io.hourglass.core.kafka.KafkaSettings;
import io.hourglass.core.lake.LakeRecordEncoder;
import io.hourglass.core.registry.PayloadConverter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BadInputIT {
    private static final Instant T0 = Instant.parse("2026-03-01T10:20:00Z");
    private static final byte[] NOT_SNAPPY = "not a snappy block".getBytes(StandardCharsets.US_ASCII);
    private final HttpClient http = HttpClient.newHttpClient();

    private static String event(String id, String type, String payload) {
        return "{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"version\":1,\"logged_at\":\"" + T0
                + "\",\"payload\":" + payload + "}";
    }

    @Test
    void eachBadEventGetsItsReasonAndLandsInBadRowsWhileValidOnesAreDelivered(@TempDir Path dir) throws Exception {
        try (TestBed bed = TestBed.start(dir, T0, false)) {
            String validId = UUID.randomUUID().toString();
            String otherValidId = UUID.randomUUID().toString();
            String good = "{\"user_id\":\"u1\",\"query\":\"jazz\",\"results\":3,\"latency_ms\":12}";
            List<String> lines = List.of(
                    event(validId, "SearchViewResponse", good),
                    event(UUID.randomUUID().toString(), "NoSuchType", good),
                    event(UUID.randomUUID().toString(), "SearchViewResponse",
                            "{\"user_id\":\"u1\",\"query\":\"jazz\",\"results\":\"many\",\"latency_ms\":12}"),
                    "{\"id\": \"truncated",
                    event(UUID.randomUUID().toString(), "SearchViewResponse",
                            "{\"user_id\":\"u1\",\"query\":\"" + "x".repeat(300_000) + "\",\"results\":3,"
                                    + "\"latency_ms\":1}"),
                    event(UUID.randomUUID().toString(), "../../etc/passwd", good),
                    "[1,2,3]",
                    event(otherValidId, "SearchViewResponse", good));

            // Something other than a collector writes garbage under a valid header: refused before any file.
            String rogueId = UUID.randomUUID().toString();
            byte[] garbage = {(byte) 0xff, 1, 2, 3};
            byte[] wide = new byte[800_000];
            Arrays.fill(wide, (byte) 1);
            // A collector from before format 2 wrote the whole event as JSON: writers still take it. It goes to the
            // partition of a valid event sent below, so that the collector's marker for the hour covers it.
            String olderId;
            String format2Id;
            int partitions;
            try (KafkaProducer<String, byte[]> rogue = new KafkaProducer<>(
                    KafkaSettings.singleNode(bed.hourglass.bootstrap()).producer("rogue"))) {
                byte[] header = new EnvelopeHeader(rogueId, 1, null, T0, T0, "rogue", false).toKafkaHeader();
                rogue.send(new ProducerRecord<>("events.SearchViewResponse", null, rogueId, garbage,
                        new RecordHeaders().add(EnvelopeHeader.KAFKA_HEADER, header))).get();
                // Control bytes, each six once escaped in a bad row's JSON: whole, that row would pass any request.
                rogue.send(new ProducerRecord<>("events.SearchViewResponse", null, UUID.randomUUID().toString(),
                        wide)).get();
                partitions = rogue.partitionsFor("events.SearchViewResponse").size();
                String candidate;
                do {
                    candidate = UUID.randomUUID().toString();
                } while (partition(candidate, partitions) != partition(validId, partitions));
                olderId = candidate;
                String older = "{\"id\":\"" + olderId + "\",\"type\":\"SearchViewResponse\",\"version\":1,"
                        + "\"logged_at\":\"" + T0 + "\",\"received_at\":\"" + T0.plusSeconds(1) + "\","
                        + "\"host\":\"collector-standalone\",\"payload\":" + good + "}";
                rogue.send(new ProducerRecord<>("events.SearchViewResponse", olderId,
                        older.getBytes(StandardCharsets.UTF_8))).get();
                // A collector of format 2 wrote one record per event: the Avro payload, the envelope in a header.
                do {
                    candidate = UUID.randomUUID().toString();
                } while (partition(candidate, partitions) != partition(validId, partitions));
                format2Id = candidate;
                Schema schema = bed.hourglass.registry().find("SearchViewResponse").orElseThrow().schema(1)
                        .orElseThrow();
                byte[] payload = AvroBytes.of(schema, PayloadConverter.toRecord(Json.MAPPER.readTree(good), schema));
                byte[] format2 = new EnvelopeHeader(format2Id, 1, null, T0, T0.plusSeconds(2), "collector-standalone",
                        false).toKafkaHeader();
                rogue.send(new ProducerRecord<>("events.SearchViewResponse", null, format2Id, payload,
                        new RecordHeaders().add(EnvelopeHeader.KAFKA_HEADER, format2))).get();
                // A pack (format 3) of an event of another type, one with a garbage payload, and a damaged tail:
                // each goes to bad rows on its own.
                EventPack pack = new EventPack(64);
                AvroBuffer record = new AvroBuffer(64);
                EnvelopeHeader packed = new EnvelopeHeader(UUID.randomUUID().toString(), 1, null, T0, T0, "rogue",
                        false);
                LakeRecordEncoder.write(record, "OtherType", packed, garbage);
                pack.add(record);
                record.reset();
                LakeRecordEncoder.write(record, "SearchViewResponse", packed, garbage);
                pack.add(record);
                byte[] value = Arrays.copyOf(pack.toValue(), pack.sizeBytes() + 1);
                value[value.length - 1] = (byte) 0x80;
                rogue.send(new ProducerRecord<>("events.SearchViewResponse", null, (String) null, value,
                        new RecordHeaders().add(EventPack.HEADER, EventPack.headerValue(EventPack.PLAIN)))).get();
                // A compressed pack (format 4) whose value is not a Snappy block: kept whole.
                rogue.send(new ProducerRecord<>("events.SearchViewResponse", null, (String) null, NOT_SNAPPY,
                        new RecordHeaders().add(EventPack.HEADER, EventPack.headerValue(EventPack.COMPRESSED)))).get();
            }

            HttpResponse<String> resp = post(bed.collector().resolve("/v1/events"), String.join("\n", lines));
            assertThat(resp.statusCode()).isEqualTo(200);
            JsonNode results = Json.MAPPER.readTree(resp.body()).get("results");
            List<String> statuses = new ArrayList<>();
            results.forEach(r -> statuses.add(r.get("status").asText() + ":" + r.path("code").asText("")));
            assertThat(statuses).containsExactly("accepted:", "rejected:unknown_type", "rejected:schema_mismatch",
                    "rejected:malformed_json", "rejected:oversize", "rejected:unknown_type", "rejected:malformed_json",
                    "accepted:");
            assertThat(results.get(2).get("reason").asText()).contains("payload.results").contains("expected");
            assertThat(Json.MAPPER.readTree(resp.body()).get("accepted").asInt()).isEqualTo(2);
            // Events are packed by partition, still the partition that Kafka gives their id.
            assertThat(results.get(0).get("partition").asInt()).isEqualTo(partition(validId, partitions));
            assertThat(results.get(7).get("partition").asInt()).isEqualTo(partition(otherValidId, partitions));

            // Every rejected event is in bad rows with its reason, filed under its type only when that is registered.
            Path badrows = dir.resolve("badrows");
            await().atMost(Duration.ofSeconds(30)).until(() -> TestBed.badRows(badrows).size() == 12);
            Map<String, List<BadRow>> byType = TestBed.badRows(badrows).stream()
                    .collect(Collectors.groupingBy(BadRow::type));
            assertThat(byType.keySet()).containsExactlyInAnyOrder("_unknown", "SearchViewResponse");
            assertThat(byType.get("SearchViewResponse")).extracting(BadRow::reasonCode)
                    .containsExactlyInAnyOrder("schema_mismatch", "oversize", "unreadable_in_kafka",
                            "unreadable_in_kafka", "unreadable_in_kafka", "unreadable_in_kafka", "unreadable_in_kafka",
                            "unreadable_in_kafka");
            List<BadRow> unreadable = byType.get("SearchViewResponse").stream()
                    .filter(r -> r.reasonCode().equals("unreadable_in_kafka")).toList();
            assertThat(unreadable).filteredOn(r -> r.raw().equals("base64:"
                    + Base64.getEncoder().encodeToString(garbage))).singleElement()
                    .satisfies(r -> assertThat(r.reason()).contains("SearchViewResponse"));
            assertThat(unreadable).extracting(BadRow::reason).anySatisfy(r -> assertThat(r).contains("'OtherType'"))
                    .anySatisfy(r -> assertThat(r).contains("not a SearchViewResponse record"))
                    .anySatisfy(r -> assertThat(r).contains("damaged"))
                    .anySatisfy(r -> assertThat(r).contains("not a Snappy block"));
            assertThat(unreadable).extracting(BadRow::raw).contains("base64:gA==",
                    "base64:" + Base64.getEncoder().encodeToString(NOT_SNAPPY));
            // The wide record: its start, as much as fits, and its whole length.
            assertThat(unreadable).filteredOn(BadRow::truncated).singleElement().satisfies(r -> {
                assertThat(r.rawLength()).isEqualTo(wide.length);
                assertThat(r.raw()).isNotEmpty().matches("\u0001+");
            });
            assertThat(byType.get("_unknown")).extracting(BadRow::reasonCode)
                    .containsExactlyInAnyOrder("unknown_type", "unknown_type", "malformed_json", "malformed_json");
            assertThat(TestBed.badRows(badrows)).extracting(BadRow::raw).contains("{\"id\": \"truncated", "[1,2,3]");
            assertThat(Files.exists(dir.resolve("etc"))).isFalse();

            String metrics = get(bed.collector().resolve("/metrics")).body();
            assertThat(metrics).containsPattern(
                    "hourglass_collector_rejected_total\\{reason=\"schema_mismatch\","
                    + "type=\"SearchViewResponse\"} 1\\.0");
            assertThat(metrics).containsPattern(
                    "hourglass_collector_rejected_total\\{reason=\"malformed_json\",type=\"_unknown\"} 2\\.0");
            assertThat(metrics)
                    .containsPattern("hourglass_collector_events_total\\{type=\"SearchViewResponse\"} 2\\.0");

            // Garbage elsewhere gets a clear 4xx, never a crash.
            assertThat(post(bed.collector().resolve("/v1/markers"), "not json").statusCode()).isEqualTo(400);
            assertThat(post(bed.collector().resolve("/v1/heartbeats"), "{\"kind\":\"marker\"}").statusCode())
                    .isEqualTo(400);
            HttpResponse<String> badGzip = http.send(HttpRequest.newBuilder(bed.collector().resolve("/v1/events"))
                    .header("Content-Encoding", "gzip").POST(HttpRequest.BodyPublishers.ofString("plain")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(badGzip.statusCode()).isEqualTo(400);
            URI events = bed.collector().resolve("/v1/events");
            assertThat(postEncoded(events, "zstd", "plain".getBytes(StandardCharsets.UTF_8)).statusCode())
                    .isEqualTo(400);
            HttpResponse<String> brotli = postEncoded(events, "br", new byte[] {1, 2, 3});
            assertThat(brotli.statusCode()).isEqualTo(415);
            assertThat(brotli.body()).contains("zstd").contains("gzip");
            // A small body that inflates past the request limit (16 MiB) is refused, not held in memory.
            assertThat(postEncoded(events, "zstd", compress(ContentEncoding.ZSTD, new byte[17 << 20])).statusCode())
                    .isEqualTo(413);
            // The limit itself is allowed: a body of exactly 16 MiB (blank lines, no events), and one byte more is not.
            byte[] blank = new byte[16 << 20];
            Arrays.fill(blank, (byte) '\n');
            HttpResponse<String> atLimit = postEncoded(events, "zstd", compress(ContentEncoding.ZSTD, blank));
            assertThat(atLimit.statusCode()).isEqualTo(200);
            assertThat(Json.MAPPER.readTree(atLimit.body()).get("results")).isEmpty();
            assertThat(postEncoded(events, "identity", Arrays.copyOf(blank, blank.length + 1)).statusCode())
                    .isEqualTo(413);
            // Each encoding an agent may be set to is read: the lines come back one result each.
            for (ContentEncoding e : ContentEncoding.values()) {
                String twoLines = event(UUID.randomUUID().toString(), "NoSuchType", good) + "\n"
                        + event(UUID.randomUUID().toString(), "NoSuchType", good) + "\n";
                HttpResponse<String> r = postEncoded(events, e.token(),
                        compress(e, twoLines.getBytes(StandardCharsets.UTF_8)));
                assertThat(r.statusCode()).as(e.token()).isEqualTo(200);
                assertThat(Json.MAPPER.readTree(r.body()).get("results")).as(e.token()).hasSize(2);
            }
            assertThat(get(bed.collector().resolve("/healthz")).statusCode()).isEqualTo(200);
            assertThat(get(bed.collector().resolve("/readyz")).statusCode()).isEqualTo(200);

            // Agents ask for the summary answer: an acknowledgement per Kafka record, with its events.
            String summed = UUID.randomUUID().toString();
            String summedToo = UUID.randomUUID().toString();
            HttpResponse<String> summary = http.send(HttpRequest.newBuilder(events)
                    .header("Hourglass-Answer", "summary").POST(HttpRequest.BodyPublishers.ofString(
                            event(summed, "SearchViewResponse", good) + "\nnot json\n"
                                    + event(summedToo, "SearchViewResponse", good))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(summary.statusCode()).isEqualTo(200);
            JsonNode sum = Json.MAPPER.readTree(summary.body());
            assertThat(sum.get("accepted").asInt()).isEqualTo(2);
            assertThat(sum.get("rejected").asInt()).isEqualTo(1);
            assertThat(sum.has("results")).isFalse();
            List<Integer> ackedPartitions = new ArrayList<>();
            int ackedEvents = 0;
            for (JsonNode ack : sum.get("acks")) {
                assertThat(ack.get("type").asText()).isEqualTo("SearchViewResponse");
                assertThat(ack.get("offset").asLong()).isNotNegative();
                ackedPartitions.add(ack.get("partition").asInt());
                ackedEvents += ack.get("events").asInt();
            }
            assertThat(ackedEvents).isEqualTo(2);
            assertThat(ackedPartitions).containsExactlyInAnyOrderElementsOf(
                    Stream.of(summed, summedToo).map(id -> partition(id, partitions)).distinct().toList());

            // The valid events, from a client posting directly, close in their bucket once the collector marks 10:00.
            bed.advanceTo(Instant.parse("2026-03-01T11:02:00Z"));
            BucketId bucket = new BucketId("SearchViewResponse", Instant.parse("2026-03-01T10:00:00Z"));
            Manifest m = bed.awaitClosed(bucket);
            Map<String, org.apache.avro.generic.GenericRecord> records = bed.records(bucket);
            assertThat(records.keySet()).containsExactlyInAnyOrder(validId, otherValidId, olderId, format2Id, summed,
                    summedToo);
            assertThat(records.get(format2Id).get("received_at")).isEqualTo(T0.plusSeconds(2).toEpochMilli());
            assertThat(records.get(format2Id).get("payload").toString()).isEqualTo(records.get(validId)
                    .get("payload").toString());
            assertThat(records.get(olderId).get("received_at")).isEqualTo(T0.plusSeconds(1).toEpochMilli());
            assertThat(records.get(olderId).get("payload").toString()).isEqualTo(records.get(validId).get("payload")
                    .toString());
            assertThat(m.complete()).isTrue();
            assertThat(m.hosts()).containsOnlyKeys("collector-standalone");
        }
    }

    @Test
    void blankAndGarbageLinesInAHostLogNeitherStopTheAgentNorHideTheEventsAfterThem(@TempDir Path dir)
            throws Exception {
        try (TestBed bed = TestBed.start(dir, T0, false)) {
            String good = "{\"user_id\":\"u1\",\"query\":\"jazz\",\"results\":3,\"latency_ms\":12}";
            String before = UUID.randomUUID().toString();
            String after = UUID.randomUUID().toString();
            Path log = dir.resolve("hosts").resolve("host-g").resolve("2026-03-01T10.jsonl");
            Files.createDirectories(log.getParent());
            Files.writeString(log, event(before, "SearchViewResponse", good) + "\n   \t\n\n\r\n \r\nnot json\n"
                    + event(after, "SearchViewResponse", good) + "\r\n \n\t\n");  // a Windows line end too
            bed.agent("host-g", List.of(bed.collector()), 100).start();
            bed.advanceTo(Instant.parse("2026-03-01T11:02:30Z"));

            BucketId bucket = new BucketId("SearchViewResponse", Instant.parse("2026-03-01T10:00:00Z"));
            Manifest m = bed.awaitClosed(bucket);
            assertThat(bed.records(bucket).keySet()).containsExactlyInAnyOrder(before, after);
            assertThat(m.complete()).isTrue();
            await().atMost(Duration.ofSeconds(30)).until(() -> TestBed.badRows(dir.resolve("badrows")).size() == 1);
            assertThat(TestBed.badRows(dir.resolve("badrows"))).extracting(BadRow::raw).containsExactly("not json");
            // The blank tail is behind the checkpoint too, so the agent does not read it again and again.
            long size = Files.size(log);
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(bed.checkpoint("host-g"))
                    .contains("\"acked_bytes\":" + size));
        }
    }

    @Test
    void batchesInFlightHoldNoMoreThanTheRequestMemoryAndGiveItBackWhenTheirSenderGoesAway(@TempDir Path dir)
            throws Exception {
        try (TestBed bed = TestBed.start(dir, T0, false)) {
            URI events = bed.collector().resolve("/v1/events");
            URI metrics = bed.collector().resolve("/metrics");
            long budget = CollectorConfig.defaults("x").requestMemory();
            long largest = CollectorConfig.defaults("x").maxRequestBytes();
            // Two senders each stream all but the last byte of the largest body allowed, and stall: each batch holds
            // twice its body, so together they hold the whole budget.
            List<Socket> stalled = new ArrayList<>();
            for (int i = 0; i < budget / (2 * largest); i++) {
                stalled.add(stallInBody(events, largest));
            }
            String held = "hourglass_collector_request_memory_bytes";
            await().atMost(Duration.ofSeconds(30)).until(() -> gauge(metrics, held) == budget);

            HttpResponse<String> refused = post(events, event(UUID.randomUUID().toString(), "SearchViewResponse",
                    "{\"user_id\":\"u1\",\"query\":\"jazz\",\"results\":3,\"latency_ms\":12}"));
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).contains("1");
            assertThat(refused.body()).contains("collector.request-memory");
            assertThat(gauge(metrics, "hourglass_collector_out_of_request_memory_total")).isEqualTo(1);
            assertThat(gauge(metrics, held)).isEqualTo(budget);

            for (Socket s : stalled) {
                s.close();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> gauge(metrics, held) == 0);
            String id = UUID.randomUUID().toString();
            HttpResponse<String> taken = post(events, event(id, "SearchViewResponse",
                    "{\"user_id\":\"u1\",\"query\":\"jazz\",\"results\":3,\"latency_ms\":12}"));
            assertThat(taken.statusCode()).isEqualTo(200);
            assertThat(taken.body()).contains("\"accepted\":1");
            assertThat(gauge(metrics, held)).isZero();
        }
    }

    /** Opens a request of {@code length} body bytes, sends all but the last, and leaves it waiting. */
    private static Socket stallInBody(URI uri, long length) throws IOException {
        Socket s = new Socket(uri.getHost(), uri.getPort());
        OutputStream out = s.getOutputStream();
        out.write(("POST " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nContent-Length: " + length
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] blank = new byte[(int) length - 1];
        Arrays.fill(blank, (byte) '\n');
        out.write(blank);
        out.flush();
        return s;
    }

    /** A meter's value from the Prometheus text; -1 if it is not there. */
    private long gauge(URI metrics, String name) throws IOException, InterruptedException {
        return get(metrics).body().lines().filter(l -> l.startsWith(name + " "))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(name.length() + 1).trim())).findFirst()
                .orElse(-1);
    }

    private HttpResponse<String> postEncoded(URI uri, String encoding, byte[] body)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri)
                .header("Content-Encoding", encoding).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] compress(ContentEncoding encoding, byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream o = encoding.compress(out)) {
            o.write(data);
        }
        return out.toByteArray();
    }

    private HttpResponse<String> post(URI uri, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int partition(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
