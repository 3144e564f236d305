package io.hourglass.core;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Scratch folders that each belong to one process, marked with its id and its machine. A process killed with SIGKILL
 * cannot remove its own, so the next process to claim a folder under the same root removes those whose owner is gone.
 * Only a process of the same machine can tell: a folder marked on another host, or in another container's process
 * namespace (sharing the folder through a mount), is left alone.
 */
public final class OwnedFolders {
    private static final String OWNER = "owner.pid";
    /** Where process ids mean the same: the host's name and the process namespace, where the system tells them. */
    private static final String MACHINE = (firstLine(Path.of("/proc/sys/kernel/hostname"))
            .orElse(Objects.requireNonNullElse(System.getenv("HOSTNAME"), "")) + " "
            + processNamespace().orElse("")).trim();

    /** A mark: the owner's process id, and its machine ({@code ""} in marks made before machines were written). */
    private record Mark(long pid, String machine) {
        boolean ownerAlive() {
            if (!machine.isEmpty() && !machine.equals(MACHINE)) {
                return true;  // not ours to judge
            }
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }

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
                Files.writeString(next, ProcessHandle.current().pid() + " " + MACHINE);
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
        return readMark(dir).map(Mark::pid);
    }

    private static Optional<Mark> readMark(Path dir) {
        try {
            String[] parts = Files.readString(dir.resolve(OWNER)).trim().split(" ", 2);
            return Optional.of(new Mark(Long.parseLong(parts[0]), parts.length > 1 ? parts[1] : ""));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Deletes every folder under {@code root} that no live process owns, and returns them. */
    public static List<Path> removeAbandoned(Path root) throws IOException {
        List<Path> removed = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path d : dirs) {
                boolean alive = readMark(d).map(Mark::ownerAlive).orElse(false);
                if (!alive) {
                    deleteTree(d);
                    removed.add(d);
                }
            }
        }
        return removed;
    }

    private static Optional<String> firstLine(Path file) {
        try {
            return Files.readAllLines(file).stream().findFirst().map(String::trim);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Linux's id of this process's namespace of process ids, such as {@code pid:[4026531836]}. */
    private static Optional<String> processNamespace() {
        try {
            return Optional.of(Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Deletes {@code p} and everything under it. What is gone already is no error: processes that start together may
     * each remove the same abandoned folder, and one of them walking a tree the other empties must not fail to start.
     */
    public static void deleteTree(Path p) throws IOException {
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
