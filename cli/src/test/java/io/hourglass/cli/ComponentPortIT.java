package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hourglass.cli.chaos.Proc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A component process told {@code http.port=0} serves its endpoints on the port the system gave it, and names it; a
 * restart is found on its new port.
 */
class ComponentPortIT {
    @Test
    void aComponentOnPortZeroSaysWhichPortItGotAndAnswersThereAfterARestartToo(@TempDir Path dir) throws Exception {
        try (ProcessHarness h = new ProcessHarness(dir)) {
            Proc writer = h.component("writer", "writer", "http.port=0");
            writer.start();

            int port = writer.awaitPort(Duration.ofSeconds(90));
            assertThat(port).as("the bound port, not the 0 asked for").isPositive();
            assertThat(healthz(port)).isEqualTo(200);

            // After a SIGKILL the log still holds the old port; the restarted process is read from its own output.
            writer.kill();
            writer.start();
            int again = writer.awaitPort(Duration.ofSeconds(90));
            assertThat(healthz(again)).as(() -> writer.tail(20)).isEqualTo(200);
        }
    }

    private static int healthz(int port) throws Exception {
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                .timeout(Duration.ofSeconds(20)).build();
        return HttpClient.newHttpClient().send(get, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
