package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The short chaos run of CI: every component its own JVM, random SIGKILLs and SIGTERMs, nothing lost. */
class ChaosIT {
    @Test
    void shortChaosRunLosesNothingAndDuplicatesNothing(@TempDir Path dir) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        try (PrintStream capture = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            System.setOut(new PrintStream(new TeeStream(original, capture), true, StandardCharsets.UTF_8));
            exit = new CommandLine(new Main()).execute("chaos", "--data-dir", dir.resolve("chaos").toString(),
                    "--registry", TestBed.REGISTRY.toString(), "--duration", "75s", "--seed", "20261123");
        } finally {
            System.setOut(original);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(text).isZero();
        assertThat(text).containsPattern("chaos: [1-9][0-9]* events, [1-9][0-9]* kills, 0 lost, 0 duplicated");
    }

    /** Writes to two streams, so the run's progress still shows in the test output. */
    private static final class TeeStream extends java.io.OutputStream {
        private final PrintStream a;
        private final PrintStream b;

        TeeStream(PrintStream a, PrintStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] buf, int off, int len) {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
