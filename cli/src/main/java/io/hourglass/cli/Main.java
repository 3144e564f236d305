package io.hourglass.cli;

import io.hourglass.cli.demo.DemoCommand;
import io.hourglass.cli.standalone.StandaloneCommand;
import io.hourglass.cli.verify.VerifyCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code hourglass} command. */
@Command(name = "hourglass", mixinStandardHelpOptions = true, version = "hourglass 0.1.0",
        description = "Reliable event delivery into hourly buckets, exactly once, with proof of completeness.",
        subcommands = {StandaloneCommand.class, DemoCommand.class, VerifyCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
