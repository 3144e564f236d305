package io.hourglass.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import io.hourglass.core.ContentEncoding;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a real HTTP server that answers as a collector from before zstd did: 400 to any encoding but gzip. */
class CollectorClientTest {
    /** Two events, the last line without its newline, as a sealed file may end. */
    private static final byte[] LINES = "{\"type\":\"T\"}\n{\"type\":\"T\"}".getBytes(StandardCharsets.UTF_8);
    private final List<String> encodings = new CopyOnWriteArrayList<>();
    private final List<String> answerForms = new CopyOnWriteArrayList<>();
    /** When set, the answer of a collector that sums up by Kafka record, as agents ask for. */
    private volatile String summary;
    /** When set, the collector answers only once it is counted down. */
    private volatile CountDownLatch held;
    /** Whether the collector also takes zstd, as every collector since zstd does. */
    private volatile boolean takesZstd;
    /** The bodies the collector read, decompressed. */
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private volatile String refusal = "cannot read request body: unsupported Content-Encoding zstd; use gzip or none";
    private LoopbackCollector collector;

    @BeforeEach
    void start() {
        collector = new LoopbackCollector(Map.of("/v1/events", this::answer), 1);
    }

    @AfterEach
    void stop() {
        collector.close();
    }

    private void answer(HttpExchange x) throws IOException {
        CountDownLatch hold = held;
        try {
            if (hold != null && !hold.await(10, TimeUnit.SECONDS)) {
                throw new IOException("the test never let the answer go");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        String encoding = x.getRequestHeaders().getFirst("Content-Encoding");
        encodings.add(String.valueOf(encoding));
        answerForms.add(String.valueOf(x.getRequestHeaders().getFirst("Hourglass-Answer")));
        if (!"gzip".equals(encoding) && !(takesZstd && "zstd".equals(encoding))) {
            LoopbackCollector.reply(x, 400, refusal);
            return;
        }
        if (summary != null) {
            LoopbackCollector.reply(x, 200, summary);
            return;
        }
        long lines;
        try (InputStream in = ContentEncoding.of(encoding).orElseThrow().decompress(x.getRequestBody())) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            bodies.add(body);
            lines = body.lines().count();
        }
        StringBuilder results = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            results.append(i == 0 ? "" : ",")
                    .append("{\"status\":\"accepted\",\"type\":\"T\",\"partition\":0,\"offset\":")
                    .append(i).append('}');
        }
        LoopbackCollector.reply(x, 200, "{\"accepted\":" + lines + ",\"rejected\":0,\"results\":[" + results + "]}");
    }

    private static FileState.Ack send(CollectorClient client) {
        return client.acknowledgement(client.sendEvents(LINES, LINES.length, 2));
    }

    @Test
    void aCollectorThatRefusesZstdGetsGzipFromThenOn() {
        CollectorClient client = new CollectorClient(List.of(collector.uri()), "h1", Duration.ofSeconds(5),
                ContentEncoding.ZSTD);
        assertThatThrownBy(() -> send(client)).isInstanceOf(CollectorClient.RetryableException.class)
                .hasMessageContaining("400");
        FileState.Ack ack = send(client);
        assertThat(ack.counts()).containsEntry("T", 2L);
        assertThat(encodings).containsExactly("zstd", "gzip");
    }

    @Test
    void batchesOneAfterAnotherGoOutWholeAndALastLineGetsItsNewline() {
        takesZstd = true;
        byte[] longer = "{\"type\":\"T\"}\n".repeat(3000).getBytes(StandardCharsets.UTF_8);
        CollectorClient client = new CollectorClient(List.of(collector.uri()), "h1", Duration.ofSeconds(5),
                ContentEncoding.ZSTD);
        try {
            assertThat(send(client).counts()).containsEntry("T", 2L);
            assertThat(client.acknowledgement(client.sendEvents(longer, longer.length, 3000)).counts())
                    .containsEntry("T", 3000L);
            assertThat(send(client).counts()).containsEntry("T", 2L);
        } finally {
            client.close();
        }
        String lines = new String(LINES, StandardCharsets.UTF_8);
        assertThat(bodies).containsExactly(lines + "\n", new String(longer, StandardCharsets.UTF_8), lines + "\n");
        assertThat(encodings).containsOnly("zstd");
        assertThat(LINES[LINES.length - 1]).as("the caller's lines are left as they were").isEqualTo((byte) '}');
    }

    @Test
    void anyOtherBadRequestLeavesTheCompressionAlone() {
        refusal = "cannot read request body: broken pipe";
        CollectorClient client = new CollectorClient(List.of(collector.uri()), "h1", Duration.ofSeconds(5),
                ContentEncoding.ZSTD);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> send(client)).isInstanceOf(CollectorClient.RetryableException.class);
        }
        assertThat(encodings).containsExactly("zstd", "zstd");
    }

    @Test
    void aSummaryAnswerCountsEventsByRecordAndKeepsTheHighestOffsetOfEachPartition() {
        summary = "{\"accepted\":2,\"rejected\":0,\"acks\":[{\"type\":\"T\",\"partition\":1,\"offset\":9,"
                + "\"events\":1},{\"type\":\"T\",\"partition\":1,\"offset\":4,\"events\":1}]}";
        CollectorClient client = new CollectorClient(List.of(collector.uri()), "h1", Duration.ofSeconds(5),
                ContentEncoding.GZIP);
        FileState.Ack ack = send(client);
        assertThat(ack.counts()).containsExactly(Map.entry("T", 2L));
        assertThat(ack.offsets()).containsExactly(Map.entry("events.T", Map.of(1, 9L)));
        assertThat(ack.rejected()).isZero();
        assertThat(answerForms).containsExactly("summary");

        summary = "{\"accepted\":1,\"rejected\":1,\"acks\":[{\"type\":\"T\",\"partition\":0,\"offset\":3,"
                + "\"events\":1}]}";
        FileState.Ack withRejected = send(client);
        assertThat(withRejected.counts()).containsExactly(Map.entry("T", 1L));
        assertThat(withRejected.rejected()).isEqualTo(1);
    }

    @Test
    void aSummaryThatDoesNotAddUpToTheBatchIsResent() {
        CollectorClient client = new CollectorClient(List.of(collector.uri()), "h1", Duration.ofSeconds(5),
                ContentEncoding.GZIP);
        for (String wrong : List.of(
                "{\"accepted\":2,\"rejected\":0,\"acks\":[{\"type\":\"T\",\"partition\":0,\"offset\":3,"
                        + "\"events\":1}]}",
                "{\"accepted\":1,\"rejected\":0,\"acks\":[{\"type\":\"T\",\"partition\":0,\"offset\":3,"
                        + "\"events\":1}]}",
                "{\"accepted\":2,\"rejected\":0,\"acks\":[{\"partition\":0,\"offset\":3,\"events\":2}]}",
                "{\"accepted\":2,\"rejected\":0,\"acks\":{}}")) {
            summary = wrong;
            assertThatThrownBy(() -> send(client)).as(wrong)
                    .isInstanceOf(CollectorClient.RetryableException.class);
        }
    }

    @Test
    void anAnswerCompletesOnOneOfTheClientsSenderThreadsNotOnANewThread() throws Exception {
        summary = "{\"accepted\":2,\"rejected\":0,\"acks\":[{\"type\":\"T\",\"partition\":0,\"offset\":1,"
                + "\"events\":2}]}";
        held = new CountDownLatch(1);
        CollectorClient client = new CollectorClient(List.of(collector.uri()), "h1", Duration.ofSeconds(5),
                ContentEncoding.GZIP);
        try {
            CollectorClient.Sent sent = client.sendEvents(LINES, LINES.length, 2);
            // Attached while the answer is held back, so it runs on the thread that completes the answer.
            CompletableFuture<String> completedOn = sent.response().thenApply(r -> Thread.currentThread().getName());
            held.countDown();
            assertThat(completedOn.get(10, TimeUnit.SECONDS)).startsWith("agent-h1-send-");
            assertThat(client.acknowledgement(sent).counts()).containsExactly(Map.entry("T", 2L));
        } finally {
            client.close();
        }
    }
}
