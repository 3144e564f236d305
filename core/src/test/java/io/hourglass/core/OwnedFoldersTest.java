package io.hourglass.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnedFoldersTest {
    @TempDir
    Path root;

    @Test
    void onlyTheFoldersOfThisMachinesProcessesThatAreGoneAreRemoved() throws Exception {
        Path mine = root.resolve("mine");
        OwnedFolders.mark(mine);
        String machine = Files.readString(mine.resolve("owner.pid")).split(" ", 2)[1];
        long dead = deadPid();
        Path gone = folder("gone", dead + " " + machine);
        Path before = folder("before-machines", Long.toString(dead));  // a mark of an earlier version
        Path unmarked = folder("unmarked", null);
        Path garbled = folder("garbled", "not a pid");
        Path elsewhere = folder("elsewhere", dead + " other-host pid:[1]");
        Path elsewhereHere = folder("other-namespace", dead + " " + machine.split(" ")[0] + " pid:[1]");

        assertThat(OwnedFolders.removeAbandoned(root))
                .containsExactlyInAnyOrder(gone, before, unmarked, garbled);
        assertThat(mine).exists();
        assertThat(OwnedFolders.owner(mine)).contains(ProcessHandle.current().pid());
        assertThat(elsewhere).as("another host's process: not ours to judge").exists();
        assertThat(elsewhereHere).as("another container's process namespace").exists();
    }

    @Test
    void markingAgainKeepsTheFolderAndItsFiles() throws Exception {
        Path mine = root.resolve("mine");
        OwnedFolders.mark(mine);
        Files.writeString(mine.resolve("data"), "x");
        OwnedFolders.mark(mine);
        assertThat(mine.resolve("data")).hasContent("x");
        assertThat(mine.resolve("owner.pid.next")).doesNotExist();
        assertThat(OwnedFolders.removeAbandoned(root)).isEmpty();
    }

    private Path folder(String name, String mark) throws IOException {
        Path d = Files.createDirectories(root.resolve(name).resolve("sub"));
        Files.writeString(d.resolve("file"), "left behind");
        if (mark != null) {
            Files.writeString(root.resolve(name).resolve("owner.pid"), mark);
        }
        return root.resolve(name);
    }

    /** The id of a process that has exited. */
    private static long deadPid() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }
}
