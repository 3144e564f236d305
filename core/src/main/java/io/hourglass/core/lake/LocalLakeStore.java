package io.hourglass.core.lake;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A lake on a local or mounted file system. Writes go to a hidden temporary file in the target directory, are
 * fsynced, then renamed atomically; Hive, Spark and Trino ignore names that start with '.'.
 */
public final class LocalLakeStore implements LakeStore {
    private final Path root;

    public LocalLakeStore(Path root) {
        this.root = requireNonNull(root, "root is null").toAbsolutePath();
    }

    public Path root() {
        return root;
    }

    public Path resolve(String path) {
        Path p = root.resolve(path).normalize();
        if (!p.startsWith(root)) {
            throw new IllegalArgumentException("path escapes the lake: " + path);
        }
        return p;
    }

    @Override
    public void writeAtomically(String path, ContentWriter content) throws IOException {
        Path target = resolve(path);
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW)) {
                content.writeTo(out);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the lake's file system cannot rename atomically: " + dir, e);
            }
            fsyncDirectory(dir);
            removeStaleTemporaries(dir, target.getFileName().toString());
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Temporary files of earlier attempts at the same target, left by a process killed mid-write. */
    private static void removeStaleTemporaries(Path dir, String name) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith("." + name + ".")
                    && p.getFileName().toString().endsWith(".tmp")).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Override
    public boolean exists(String path) {
        return Files.exists(resolve(path));
    }

    @Override
    public InputStream open(String path) throws IOException {
        return Files.newInputStream(resolve(path));
    }

    @Override
    public List<String> list(String dir) throws IOException {
        try (Stream<Path> s = Files.list(resolve(dir))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems cannot open directories; the rename is still atomic there.
        }
    }
}
