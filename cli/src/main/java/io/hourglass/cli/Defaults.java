package io.hourglass.cli;

import java.nio.file.Path;

/** Where the launcher's defaults point. */
public final class Defaults {
    private Defaults() {
    }

    /** The bundled example registry: {@code $HOURGLASS_HOME/registry}, else {@code ./registry}. */
    public static Path registryDir() {
        String home = System.getenv("HOURGLASS_HOME");
        return home == null ? Path.of("registry") : Path.of(home, "registry");
    }
}
