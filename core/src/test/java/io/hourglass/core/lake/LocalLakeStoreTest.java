package io.hourglass.core.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalLakeStoreTest {
    @Test
    void writeIsAllOrNothingAndLeavesNoTemporaryFiles(@TempDir Path root) throws Exception {
        LocalLakeStore lake = new LocalLakeStore(root);
        lake.writeAtomically("lake/T/dt=2026-01-01/hour=00/part-00000.avro",
                out -> out.write("whole".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> lake.writeAtomically("lake/T/dt=2026-01-01/hour=00/part-00001.avro", out -> {
            out.write("half".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        })).hasMessage("disk full");
        Path dir = root.resolve("lake/T/dt=2026-01-01/hour=00");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("part-00000.avro");
        }
        assertThat(lake.list("lake/T/dt=2026-01-01/hour=00")).containsExactly("part-00000.avro");
        assertThat(lake.list("lake/none")).isEmpty();
    }

    @Test
    void pathsCannotEscapeTheLake(@TempDir Path root) {
        LocalLakeStore lake = new LocalLakeStore(root.resolve("data"));
        assertThatThrownBy(() -> lake.writeAtomically("../outside", out -> { }))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
