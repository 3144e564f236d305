package io.hourglass.cli.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hourglass.core.ContentEncoding;
import io.hourglass.core.config.Settings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentCommandTest {
    private static final Path HOSTS = Path.of("hosts");

    private static ContentEncoding compression(Map<String, String> flags) {
        return AgentCommand.config(Settings.of(flags), HOSTS).compression();
    }

    @Test
    void agentsCompressWithZstdUnlessToldOtherwise() {
        assertThat(compression(Map.of())).isEqualTo(ContentEncoding.ZSTD);
        assertThat(compression(Map.of("agent.compression", "gzip"))).isEqualTo(ContentEncoding.GZIP);
        assertThat(compression(Map.of("agent.compression", "none"))).isEqualTo(ContentEncoding.IDENTITY);
    }

    @Test
    void anUnknownCompressionIsRefusedNamingTheKeyAndTheChoices() {
        assertThatThrownBy(() -> compression(Map.of("agent.compression", "brotli")))
                .hasMessageContaining("agent.compression").hasMessageContaining("brotli")
                .hasMessageContaining("zstd, gzip");
    }
}
