package io.hourglass.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import io.hourglass.core.ContentEncoding;
import io.hourglass.core.Hours;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent sends its next batch while the collector works on the one before, and its checkpoint moves only over
 * acknowledged batches, in order. Against a real HTTP server that answers as a collector does, each request on its
 * own thread.
 */
class PipeliningTest {
    private static final Instant HOUR = Instant.parse("2026-03-01T10:00:00Z");
    private static final int BATCH = 10;

    /** The first line of each request, in the order they arrived, and every line received. */
    private final List<String> firstLines = new CopyOnWriteArrayList<>();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger concurrent = new AtomicInteger();
    private final AtomicInteger mostConcurrent = new AtomicInteger();
    private final CountDownLatch secondAnswered = new CountDownLatch(1);
    /** Whether the second batch was answered before the first: the agent sent it without the first's answer. */
    private volatile boolean secondBeforeFirst;
    private volatile boolean failFirst;
    private volatile String firstBatchHead;
    private volatile String secondBatchHead;
    private LoopbackCollector collector;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        collector = LoopbackCollector.forAgents(this::events, LoopbackCollector::ok, 4);
    }

    @AfterEach
    void stop() {
        collector.close();
    }

    /**
     * The first batch, the first time it comes, waits (up to 5 s) until the second batch has been answered, then
     * answers (503 if {@code failFirst}). Batches are told by their first line: two requests on their way may arrive
     * in either order.
     */
    private void events(HttpExchange x) throws IOException {
        int n = requests.incrementAndGet();
        mostConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
        List<String> lines;
        try (InputStream in = ContentEncoding.ZSTD.decompress(x.getRequestBody())) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        boolean held = lines.get(0).equals(firstBatchHead) && !firstLines.contains(firstBatchHead);
        firstLines.add(lines.get(0));
        try {
            if (held) {
                secondBeforeFirst = secondAnswered.await(5, TimeUnit.SECONDS);
            }
            if (held && failFirst) {
                LoopbackCollector.reply(x, 503, "busy");
                return;
            }
            received.addAll(lines);
            LoopbackCollector.reply(x, 200, LoopbackCollector.accepted(lines.size(), n));
            if (lines.get(0).equals(secondBatchHead)) {
                secondAnswered.countDown();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            concurrent.decrementAndGet();
        }
    }

    private List<String> logLines(int count) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add("{\"type\":\"T\",\"n\":" + i + "}");
        }
        firstBatchHead = lines.get(0);
        secondBatchHead = lines.get(BATCH);
        Path logDir = Files.createDirectories(dir.resolve("hosts").resolve("h1"));
        Files.write(logDir.resolve(Hours.logFileName(HOUR)), lines);
        return lines;
    }

    private HostAgent agent() {
        AgentConfig config = AgentConfig.defaults(List.of(collector.uri()), dir.resolve("state"))
                .withGrace(Duration.ofMinutes(2)).withBackoff(Duration.ofMillis(10), Duration.ofMillis(10));
        config = new AgentConfig(config.collectors(), config.stateDir(), config.grace(), BATCH, config.batchMaxBytes(),
                config.maxLineBytes(), config.pollInterval(), config.heartbeatInterval(), config.backoffBase(),
                config.backoffMax(), config.requestTimeout(), config.compression(), Duration.ZERO, 2);
        Clock clock = Clock.fixed(HOUR.plus(Duration.ofMinutes(30)), ZoneOffset.UTC);
        return new HostAgent("h1", dir.resolve("hosts").resolve("h1"), config, clock, new SimpleMeterRegistry());
    }

    private long checkpointedBytes() {
        FileState fs = new CheckpointStore(dir.resolve("state").resolve("h1.checkpoint.json")).load()
                .get(Hours.logFileName(HOUR));
        return fs == null ? 0 : fs.ackedBytes();
    }

    private long logBytes() throws IOException {
        return Files.size(dir.resolve("hosts").resolve("h1").resolve(Hours.logFileName(HOUR)));
    }

    /** Steps until the agent is caught up; a bounded number of times. */
    private static void stepUntilCaughtUp(HostAgent agent) {
        for (int i = 0; agent.step(); i++) {
            assertThat(i).as("steps").isLessThan(20);
        }
    }

    @Test
    void theNextBatchIsSentWhileTheCollectorWorksOnTheOneBefore() throws IOException {
        List<String> lines = logLines(3 * BATCH);
        stepUntilCaughtUp(agent());
        // The two requests need not overlap in the server (the second may be answered before the first is read).
        assertThat(secondBeforeFirst).as("the second batch was answered before the first").isTrue();
        assertThat(mostConcurrent.get()).as("agent.max-in-flight").isLessThanOrEqualTo(2);
        assertThat(received).containsExactlyInAnyOrderElementsOf(lines);
        assertThat(firstLines).containsExactlyInAnyOrder(lines.get(0), lines.get(BATCH), lines.get(2 * BATCH));
        assertThat(checkpointedBytes()).isEqualTo(logBytes());
    }

    @Test
    void aFileThatShrankIsSentAgainFromItsStart() throws IOException {
        logLines(3 * BATCH);
        HostAgent agent = agent();
        stepUntilCaughtUp(agent);
        long before = logBytes();
        received.clear();
        List<String> replaced = List.of("{\"type\":\"T\",\"replaced\":1}", "{\"type\":\"T\",\"replaced\":2}");
        Files.write(dir.resolve("hosts").resolve("h1").resolve(Hours.logFileName(HOUR)), replaced);
        stepUntilCaughtUp(agent);
        assertThat(received).isEqualTo(replaced);
        assertThat(checkpointedBytes()).isEqualTo(logBytes()).isLessThan(before);
    }

    @Test
    void aFailedBatchIsSentAgainWithTheOnesAfterItAndTheCheckpointNeverPassesIt() throws IOException {
        failFirst = true;
        List<String> lines = logLines(3 * BATCH);
        HostAgent agent = agent();
        assertThatThrownBy(agent::step).as("two batches sent, the first refused")
                .isInstanceOf(CollectorClient.RetryableException.class).hasMessageContaining("503");
        assertThat(received).as("the second batch got through").containsExactlyElementsOf(
                lines.subList(BATCH, 2 * BATCH));
        assertThat(checkpointedBytes()).as("not past the batch that was refused").isZero();
        stepUntilCaughtUp(agent);
        assertThat(firstLines).as("both sent again from the checkpoint, then the third").containsExactlyInAnyOrder(
                lines.get(0), lines.get(BATCH), lines.get(0), lines.get(BATCH), lines.get(2 * BATCH));
        assertThat(Set.copyOf(received)).isEqualTo(Set.copyOf(lines));
        assertThat(received).hasSize(lines.size() + BATCH);
        assertThat(checkpointedBytes()).isEqualTo(logBytes());
    }
}
