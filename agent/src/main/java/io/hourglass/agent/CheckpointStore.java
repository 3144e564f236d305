package io.hourglass.agent;

import com.fasterxml.jackson.core.type.TypeReference;
import io.hourglass.core.HourglassException;
import io.hourglass.core.Json;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * The agent's durable progress for one host: file name → {@link FileState}. Saved by writing a temporary file,
 * fsyncing it and renaming it over the old one, so a crash leaves either the old or the new checkpoint.
 */
final class CheckpointStore {
    private static final TypeReference<TreeMap<String, FileState>> TYPE = new TypeReference<>() {
    };
    private final Path file;

    CheckpointStore(Path file) {
        this.file = file;
    }

    TreeMap<String, FileState> load() {
        if (!Files.exists(file)) {
            return new TreeMap<>();
        }
        try {
            return Json.MAPPER.readValue(file.toFile(), TYPE);
        } catch (IOException e) {
            throw new HourglassException("checkpoint " + file + " is unreadable (" + e.getMessage()
                    + "). Move it away to resend this host's logs from the start; duplicates are dropped downstream.",
                    e);
        }
    }

    void save(Map<String, FileState> state) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            Files.write(tmp, Json.toBytes(state));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the state directory cannot rename atomically", e);
            }
        } catch (IOException e) {
            throw new HourglassException("cannot save checkpoint " + file + ": " + e.getMessage()
                    + ". Free space or fix permissions on the agent's state directory.", e);
        }
    }
}
