package io.hourglass.cli.verify;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hourglass verify}: proves the closed buckets of a data directory are whole, exact and unique. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check every closed bucket against its manifest and the host logs; exit 1 on any violation.")
public final class VerifyCommand implements Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = "hourglass-data",
            description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(dataDir)) {
            System.err.println("verify: " + dataDir + " is not a directory; pass --data-dir");
            return 2;
        }
        VerifyReport r = new LakeVerifier(dataDir).verify();
        System.out.printf("verify: %d closed buckets (%d incomplete), %d events, %d duplicates dropped, %d late%n",
                r.buckets().size(), r.incompleteBuckets(), r.events(), r.duplicatesDropped(), r.lateEvents());
        System.out.printf("verify: host logs hold %d distinct events: %d delivered, %d rejected into bad rows,"
                + " %d still in open buckets%n", r.logged(), r.delivered(), r.rejected(), r.pending());
        if (r.ok()) {
            System.out.println("verify: OK, no violations");
            return 0;
        }
        r.violations().forEach(v -> System.out.println("verify: VIOLATION " + v));
        System.out.println("verify: FAILED with " + r.violations().size() + " violations");
        return 1;
    }
}
