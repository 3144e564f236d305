package io.hourglass.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Options that cannot make a run are refused with a clear message before any broker starts. */
class BenchOptionsTest {
    @ParameterizedTest
    @ValueSource(strings = {"--rounds=0", "--types=0", "--hosts=0", "--partitions=0", "--events=3", "--type-counts=1,0",
            "--event-size=0", "--duration=0s", "--warm-up-events=-1", "--warm-up-events=3"})
    void optionsThatCannotMakeARunAreRefused(String option) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = new CommandLine(new BenchCommand()).execute(option);
        } finally {
            System.setErr(err);
        }
        assertThat(exit).isEqualTo(2);
        assertThat(captured.toString(StandardCharsets.UTF_8)).startsWith("bench: ").contains("must");
    }

    @Test
    void theDefaultsAreValid() {
        BenchCommand bench = new BenchCommand();
        new CommandLine(bench).parseArgs();
        assertThat(bench.invalidOptions()).isNull();
    }
}
