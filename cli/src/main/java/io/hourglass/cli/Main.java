package io.hourglass.cli;

import io.hourglass.cli.bench.BenchCommand;
import io.hourglass.cli.chaos.ChaosCommand;
import io.hourglass.cli.demo.DemoCommand;
import io.hourglass.cli.distributed.AgentCommand;
import io.hourglass.cli.distributed.CollectorCommand;
import io.hourglass.cli.distributed.CompletionistCommand;
import io.hourglass.cli.distributed.KafkaCommand;
import io.hourglass.cli.distributed.WriterCommand;
import io.hourglass.cli.standalone.StandaloneCommand;
import io.hourglass.cli.verify.VerifyCommand;
import io.hourglass.core.HourglassException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code hourglass} command. */
@Command(name = "hourglass", mixinStandardHelpOptions = true, version = "hourglass 0.1.0",
        description = "Reliable event delivery into hourly buckets, exactly once, with proof of completeness.",
        subcommands = {StandaloneCommand.class, DemoCommand.class, VerifyCommand.class, CollectorCommand.class,
            AgentCommand.class, WriterCommand.class, CompletionistCommand.class, KafkaCommand.class, ChaosCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        ScratchFolder.holdNativeLibraries(Path.of(System.getProperty("java.io.tmpdir")));
        System.exit(new CommandLine(new Main())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (e instanceof HourglassException) {
                        cmd.getErr().println("hourglass " + cmd.getCommandName() + ": " + e.getMessage());
                        return 1;
                    }
                    throw e;
                })
                .execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
