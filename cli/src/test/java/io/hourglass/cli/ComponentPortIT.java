package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.cli.chaos.Proc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A component process told {@code http.port=0} serves its endpoints on the port the system gave it, and names it. */
class ComponentPortIT {
    private static final Pattern RUNNING =
            Pattern.compile("hourglass writer: running \\(http://127\\.0\\.0\\.1:(\\d+)\\)");

    @Test
    void aComponentOnPortZeroSaysWhichPortItGotAndAnswersThere(@TempDir Path dir) throws Exception {
        try (ProcessHarness h = new ProcessHarness(dir)) {
            Proc writer = h.component("writer", "writer", "http.port=0");
            writer.start();
            assertThat(writer.awaitOutput("hourglass writer: running", Duration.ofSeconds(90)))
                    .as(() -> writer.tail(20)).isTrue();

            Matcher running = RUNNING.matcher(Files.readString(writer.log()));
            assertThat(running.find()).as(() -> writer.tail(20)).isTrue();
            int port = Integer.parseInt(running.group(1));
            assertThat(port).as("the bound port, not the 0 asked for").isPositive();
            HttpResponse<String> health = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                            .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
        }
    }
}
