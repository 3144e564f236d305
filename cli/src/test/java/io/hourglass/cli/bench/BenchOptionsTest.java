package io.hourglass.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
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
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new BenchCommand()).setErr(new PrintWriter(err, true)).execute(option);
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("bench: ").contains("must");
    }

    @Test
    void theDefaultsAreValid() {
        BenchCommand bench = new BenchCommand();
        new CommandLine(bench).parseArgs();
        assertThat(bench.invalidOptions()).isNull();
    }
}
