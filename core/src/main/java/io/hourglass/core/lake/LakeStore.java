package io.hourglass.core.lake;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * Where final files live: the data lake, bad rows and the warehouse copy. Paths are relative and use '/'.
 * A file is either absent or complete: writers never expose a half-written file under its final name.
 */
public interface LakeStore {
    /** Writes {@code path} all at once; readers see either no file or the whole file. */
    void writeAtomically(String path, ContentWriter content) throws IOException;

    boolean exists(String path);

    InputStream open(String path) throws IOException;

    /** Names (not paths) of the visible entries directly under {@code dir}, sorted; empty when it does not exist. */
    List<String> list(String dir) throws IOException;

    /** Produces a file's bytes. */
    @FunctionalInterface
    interface ContentWriter {
        void writeTo(OutputStream out) throws IOException;
    }
}
