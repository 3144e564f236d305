package io.hourglass.cli;

import io.hourglass.core.OwnedFolders;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where snappy-java, which Kafka's clients use, extracts its native library. It deletes the file only at a normal
 * exit, so every JVM killed with SIGKILL left one (281 KB) in the temp folder for good, and a component that a
 * supervisor kills and restarts would leave one a restart. Each process extracts into a folder of its own instead,
 * and each start removes the folders of processes that are gone.
 */
final class NativeLibraryFolder {
    static final String SNAPPY_TEMPDIR = "org.xerial.snappy.tempdir";
    private static final Logger log = LoggerFactory.getLogger(NativeLibraryFolder.class);

    private NativeLibraryFolder() {
    }

    /** Points snappy-java at a folder of this process's under {@code tmp}, unless the operator has chosen one. */
    static void confine(Path tmp) {
        if (System.getProperty(SNAPPY_TEMPDIR) != null) {
            return;
        }
        // One root a user, as folders in a shared /tmp belong to whoever made them.
        Path root = tmp.resolve("hourglass-native-" + System.getProperty("user.name", "").replaceAll("[^\\w.-]", "_"));
        Path mine = root.resolve(Long.toString(ProcessHandle.current().pid()));
        try {
            OwnedFolders.mark(mine);
            List<Path> gone = OwnedFolders.removeAbandoned(root);
            if (!gone.isEmpty()) {
                log.info("Removed {} native library folders of Hourglass processes that are gone, under {}",
                        gone.size(), root);
            }
            System.setProperty(SNAPPY_TEMPDIR, mine.toString());
        } catch (IOException e) {
            log.warn("Cannot use {} for native libraries ({}); snappy-java extracts into {} instead, where the file "
                    + "of a killed process stays: make that folder writable, or set -D{}",
                    mine, e, tmp, SNAPPY_TEMPDIR);
        }
    }
}
