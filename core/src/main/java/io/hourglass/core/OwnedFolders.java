package io.hourglass.core;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Scratch folders that each belong to one process, marked with its id. A process killed with SIGKILL cannot remove
 * its own, so the next process to claim a folder under the same root removes those whose owner is gone.
 */
public final class OwnedFolders {
    private static final String OWNER = "owner.pid";

    private OwnedFolders() {
    }

    /**
     * Marks {@code dir}, created if need be, as this process's. The mark is written whole, then moved in place: a
     * process removing the abandoned folders at that moment must not read a half-written one as no owner.
     */
    public static void mark(Path dir) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Files.createDirectories(dir);
            Path next = dir.resolve(OWNER + ".next");
            try {
                Files.writeString(next, Long.toString(ProcessHandle.current().pid()));
                Files.move(next, dir.resolve(OWNER), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
                return;
            } catch (NoSuchFileException e) {
                if (attempt == 3) {  // removed between its making and its mark, as it had no owner yet
                    throw e;
                }
            }
        }
    }

    /** The process that marked {@code dir}, if it did and the mark can be read. */
    public static Optional<Long> owner(Path dir) {
        try {
            return Optional.of(Long.parseLong(Files.readString(dir.resolve(OWNER)).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Deletes every folder under {@code root} that no live process owns, and returns them. */
    public static List<Path> removeAbandoned(Path root) throws IOException {
        List<Path> removed = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path d : dirs) {
                boolean alive = owner(d).flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false);
                if (!alive) {
                    deleteTree(d);
                    removed.add(d);
                }
            }
        }
        return removed;
    }

    /** Deletes {@code p} and everything under it. */
    public static void deleteTree(Path p) throws IOException {
        try (Stream<Path> all = Files.walk(p)) {
            for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
