package io.hourglass.cli.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KafkaNodeTest {
    @Test
    void freePortsAreAllDifferentAndFreeOnceChosen() throws Exception {
        for (int round = 0; round < 20; round++) {
            int[] ports = KafkaNode.freePorts(50);
            assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(50);
            // Never one the system may give a connection's local end before the process that wants it binds it.
            assertThat(Arrays.stream(ports).boxed()).allSatisfy(p -> assertThat(p).isBetween(
                    KafkaNode.FIXED_PORTS_FROM, KafkaNode.FIXED_PORTS_TO));
            for (int port : Arrays.copyOf(ports, 3)) {
                try (ServerSocket s = new ServerSocket(port)) {
                    assertThat(s.getLocalPort()).isEqualTo(port);
                }
            }
        }
    }

    @Test
    void aSingleNodeListensAndControlsOnTwoPorts() {
        for (int i = 0; i < 200; i++) {
            KafkaNode free = KafkaNode.single(Path.of("unused"), 0);
            assertThat(free.port()).isNotEqualTo(free.controllerPort());
            KafkaNode given = KafkaNode.single(Path.of("unused"), free.port());
            assertThat(given.port()).isEqualTo(free.port()).isNotEqualTo(given.controllerPort());
        }
    }
}
