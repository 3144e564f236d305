package io.hourglass.writer;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A writer's own folder for spill files, marked with the id of the process that owns it. Staging is rebuilt from
 * Kafka after a restart, so the folders of processes that are gone are garbage: claiming a folder removes them.
 */
final class StagingDir implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(StagingDir.class);
    private static final String OWNER = "owner.pid";
    private final Path dir;

    private StagingDir(Path dir) {
        this.dir = dir;
    }

    /** Claims {@code root/name}, which no live writer may hold. */
    static StagingDir claim(Path root, String name) throws IOException {
        Files.createDirectories(root);
        removeAbandoned(root);
        Path dir = root.resolve(name);
        if (Files.exists(dir)) {
            throw new IOException("staging folder " + dir + " is in use by another writer (process "
                    + owner(dir).map(String::valueOf).orElse("?") + "); give each writer its own writer.instance-id");
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(OWNER), Long.toString(ProcessHandle.current().pid()));
        return new StagingDir(dir);
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    @Override
    public void close() throws IOException {
        deleteTree(dir);
    }

    private static void removeAbandoned(Path root) throws IOException {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path d : dirs) {
                boolean alive = owner(d).flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false);
                if (!alive) {
                    deleteTree(d);
                    log.info("Removed staging folder {} of a writer that is gone", d);
                }
            }
        }
    }

    private static Optional<Long> owner(Path dir) {
        try {
            return Optional.of(Long.parseLong(Files.readString(dir.resolve(OWNER)).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> all = Files.walk(p)) {
            for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
