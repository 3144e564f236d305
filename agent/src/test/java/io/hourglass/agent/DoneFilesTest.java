package io.hourglass.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import io.hourglass.core.ContentEncoding;
import io.hourglass.core.Hours;
import io.hourglass.core.Json;
import io.hourglass.core.control.Marker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host may keep months of hourly files. The agent looks at the files it has marked and fully sent once a heartbeat
 * interval, not for every batch, and still sends what is appended to them later. Against a real HTTP server that
 * accepts every event as a collector does.
 */
class DoneFilesTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:30:00Z");
    private static final Instant EARLIER = Hours.hourOf(NOW).minus(Duration.ofHours(1));

    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<String> markers = new CopyOnWriteArrayList<>();
    private LoopbackCollector collector;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        collector = LoopbackCollector.forAgents(this::events, x -> {
            markers.add(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            LoopbackCollector.ok(x);
        }, 1);
    }

    @AfterEach
    void stop() {
        collector.close();
    }

    private void events(HttpExchange x) throws IOException {
        List<String> lines;
        try (InputStream in = ContentEncoding.ZSTD.decompress(x.getRequestBody())) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        received.addAll(lines);
        LoopbackCollector.reply(x, 200, LoopbackCollector.accepted(lines.size(), received.size()));
    }

    /** An agent whose poll and heartbeat intervals outlast the test: it lists the log and rechecks files once. */
    private HostAgent agent() {
        AgentConfig d = AgentConfig.defaults(List.of(collector.uri()), dir.resolve("state"));
        AgentConfig config = new AgentConfig(d.collectors(), d.stateDir(), d.grace(), 2, d.batchMaxBytes(),
                d.maxLineBytes(), Duration.ofHours(1), Duration.ofHours(1), d.backoffBase(), d.backoffMax(),
                d.requestTimeout(), d.compression(), Duration.ZERO, d.maxInFlight());
        return new HostAgent("h1", dir.resolve("hosts").resolve("h1"), config, Clock.fixed(NOW, ZoneOffset.UTC),
                new SimpleMeterRegistry());
    }

    private void log(Instant hour, String... lines) throws IOException {
        Path file = Files.createDirectories(dir.resolve("hosts").resolve("h1")).resolve(Hours.logFileName(hour));
        Files.write(file, List.of(lines), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static void stepUntilCaughtUp(HostAgent agent) {
        for (int i = 0; agent.step(); i++) {
            assertThat(i).as("steps").isLessThan(20);
        }
    }

    @Test
    void aFileMarkedAndSentIsLookedAtOnceAHeartbeatAndWhatIsAppendedToItIsStillSent() throws IOException {
        log(EARLIER, "e1", "e2", "e3");
        log(NOW, "n1", "n2", "n3");
        HostAgent first = agent();
        stepUntilCaughtUp(first);
        assertThat(received).containsExactlyInAnyOrder("e1", "e2", "e3", "n1", "n2", "n3");
        assertThat(markers).as("the earlier hour is sealed and sent").hasSize(1);

        log(EARLIER, "late");
        log(NOW, "n4", "n5", "n6");
        stepUntilCaughtUp(first);
        assertThat(received).as("the open hour's file is looked at for every batch").contains("n4", "n5", "n6")
                .as("the marked one not before a heartbeat interval has passed").doesNotContain("late");

        HostAgent restarted = agent();  // looks at every file at its first step, as one would after the interval
        stepUntilCaughtUp(restarted);
        assertThat(received).as("each line once, the appended one too")
                .containsExactlyInAnyOrder("e1", "e2", "e3", "n1", "n2", "n3", "n4", "n5", "n6", "late");
    }

    @Test
    void aMarkedFileRemovedFromTheLogIsForgottenAndAnUnmarkedOneIsKept() throws IOException {
        log(EARLIER, "e1");
        log(NOW, "n1");
        stepUntilCaughtUp(agent());
        assertThat(checkpoint()).containsOnlyKeys(Hours.logFileName(EARLIER), Hours.logFileName(NOW));
        assertThat(checkpoint().get(Hours.logFileName(EARLIER)).marked()).isTrue();

        Path log = dir.resolve("hosts").resolve("h1");
        Files.delete(log.resolve(Hours.logFileName(EARLIER)));
        Files.delete(log.resolve(Hours.logFileName(NOW)));
        HostAgent restarted = agent();  // lists the log at its first step
        stepUntilCaughtUp(restarted);
        assertThat(checkpoint()).as("the open hour is not marked: the watermark still waits for it")
                .containsOnlyKeys(Hours.logFileName(NOW));
        assertThat(received).containsExactlyInAnyOrder("e1", "n1");
    }

    @Test
    void aSealedFileRemovedBeforeItWasAllSentIsMarkedAsRemovedWithWhatWasAcknowledged() throws IOException {
        log(EARLIER, "e1", "e2", "e3", "e4", "e5", "e6");
        log(NOW, "n1");
        HostAgent agent = agent();
        assertThat(agent.step()).as("two batches sent, the first acknowledged").isTrue();
        Files.delete(dir.resolve("hosts").resolve("h1").resolve(Hours.logFileName(EARLIER)));
        assertThat(agent.watermark(NOW)).as("the unmarked hour holds the watermark").isEqualTo(EARLIER);

        stepUntilCaughtUp(agent);
        assertThat(received).as("the batch in flight was acknowledged; the rest is lost with the file")
                .containsExactlyInAnyOrder("e1", "e2", "e3", "e4", "n1");
        assertThat(markers).hasSize(1);
        Marker marker = Json.MAPPER.readValue(markers.get(0), Marker.class);
        assertThat(marker.hour()).isEqualTo(EARLIER);
        assertThat(marker.fileRemoved()).isTrue();
        assertThat(marker.counts()).isEqualTo(Map.of("T", 4L));
        assertThat(agent.watermark(NOW)).as("the hour no longer holds it").isEqualTo(Hours.hourOf(NOW));
        assertThat(checkpoint().get(Hours.logFileName(EARLIER)).marked()).isTrue();

        HostAgent restarted = agent();
        stepUntilCaughtUp(restarted);
        assertThat(markers).as("marked once").hasSize(1);
        assertThat(checkpoint()).as("then forgotten, as any marked file that left the log")
                .containsOnlyKeys(Hours.logFileName(NOW));
    }

    @Test
    void aLogFolderThatIsGoneAsAWholeIsWaitedForNotGivenUp() throws IOException {
        log(EARLIER, "e1", "e2", "e3", "e4", "e5", "e6");
        HostAgent agent = agent();
        assertThat(agent.step()).isTrue();
        Path log = dir.resolve("hosts").resolve("h1");
        Path away = Files.move(log, dir.resolve("unmounted"));
        stepUntilCaughtUp(agent);
        assertThat(markers).as("no marker while the folder is gone").isEmpty();

        Files.move(away, log);
        HostAgent back = agent();  // lists the log at its first step
        stepUntilCaughtUp(back);
        assertThat(received).containsExactlyInAnyOrder("e1", "e2", "e3", "e4", "e5", "e6");
        assertThat(Json.MAPPER.readValue(markers.get(0), Marker.class).fileRemoved()).isFalse();
    }

    @Test
    void anUnsealedFileRemovedIsMarkedOnlyOnceItsHourIsSealed() throws IOException {
        log(NOW, "n1", "n2");
        stepUntilCaughtUp(agent());
        Files.delete(dir.resolve("hosts").resolve("h1").resolve(Hours.logFileName(NOW)));
        HostAgent restarted = agent();
        stepUntilCaughtUp(restarted);
        assertThat(markers).isEmpty();
        assertThat(restarted.watermark(NOW)).isEqualTo(Hours.hourOf(NOW));
    }

    private Map<String, FileState> checkpoint() {
        return new CheckpointStore(dir.resolve("state").resolve("h1.checkpoint.json")).load();
    }
}
