package io.hourglass.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagingDirTest {
    @TempDir
    Path root;

    @Test
    void leftoversOfGoneWritersAreRemovedAndALiveFolderCannotBeClaimedTwice() throws IOException {
        Files.createDirectories(root.resolve("core-1"));
        Files.writeString(root.resolve("core-1/old.spill"), "from before a crash (no owner file)");
        Files.createDirectories(root.resolve("core-4242/sub"));
        Files.writeString(root.resolve("core-4242/sub/x.spill"), "of a writer that is gone");
        Files.writeString(root.resolve("core-4242/owner.pid"), Long.toString(deadPid()));
        Files.createDirectories(root.resolve("core-9"));
        Files.writeString(root.resolve("core-9/owner.pid"), Long.toString(ProcessHandle.current().pid()));
        Files.writeString(root.resolve("core-9/live.spill"), "of a live writer");

        StagingDir mine = StagingDir.claim(root, "core-1");
        assertThat(root.resolve("core-1/old.spill")).doesNotExist();
        assertThat(root.resolve("core-4242")).doesNotExist();
        Files.writeString(mine.file("new.spill"), "staged");

        assertThatThrownBy(() -> StagingDir.claim(root, "core-1")).hasMessageContaining("in use by another writer");
        StagingDir other = StagingDir.claim(root, "core-2");
        assertThat(mine.file("new.spill")).exists();  // a live writer's folder is left alone
        assertThat(root.resolve("core-9/live.spill")).exists();

        mine.close();
        other.close();
        assertThat(root.resolve("core-1")).doesNotExist();
        assertThat(root.resolve("core-2")).doesNotExist();
    }

    /** The id of a process that has exited. */
    private static long deadPid() throws IOException {
        Process p = new ProcessBuilder("true").start();
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return p.pid();
    }
}
