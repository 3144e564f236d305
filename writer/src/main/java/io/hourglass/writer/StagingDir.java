package io.hourglass.writer;

import io.hourglass.core.OwnedFolders;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A writer's own folder for spill files, marked with the id of the process that owns it. Staging is rebuilt from
 * Kafka after a restart, so the folders of processes that are gone are garbage: claiming a folder removes them.
 */
final class StagingDir implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(StagingDir.class);
    private final Path dir;

    private StagingDir(Path dir) {
        this.dir = dir;
    }

    /** Claims {@code root/name}, which no live writer may hold. */
    static StagingDir claim(Path root, String name) throws IOException {
        Files.createDirectories(root);
        for (Path gone : OwnedFolders.removeAbandoned(root)) {
            log.info("Removed staging folder {} of a writer that is gone", gone);
        }
        Path dir = root.resolve(name);
        if (Files.exists(dir)) {
            throw new IOException("staging folder " + dir + " is in use by another writer (process "
                    + OwnedFolders.owner(dir).map(String::valueOf).orElse("?")
                    + "); give each writer its own writer.instance-id");
        }
        OwnedFolders.mark(dir);
        return new StagingDir(dir);
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    @Override
    public void close() throws IOException {
        OwnedFolders.deleteTree(dir);
    }
}
