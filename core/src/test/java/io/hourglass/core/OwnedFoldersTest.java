package io.hourglass.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

    @Test
    void processesThatRemoveTheSameAbandonedFoldersAtOnceBothSucceed() throws Exception {
        long dead = deadPid();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                for (int f = 0; f < 4; f++) {
                    Path sub = Files.createDirectories(root.resolve("gone-" + round + "-" + f).resolve("sub"));
                    for (int i = 0; i < 100; i++) {
                        Files.writeString(sub.resolve("file-" + i), "left behind");
                    }
                    Files.writeString(sub.getParent().resolve("owner.pid"), Long.toString(dead));
                }
                CyclicBarrier together = new CyclicBarrier(2);
                Callable<List<Path>> start = () -> {
                    together.await();
                    return OwnedFolders.removeAbandoned(root);
                };
                for (Future<List<Path>> removed : pool.invokeAll(List.of(start, start))) {
                    removed.get();  // throws if either failed
                }
                assertThat(root).isEmptyDirectory();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void deletingATreeThatIsGoneIsNoError() throws IOException {
        OwnedFolders.deleteTree(root.resolve("never-made"));
        assertThat(root).isEmptyDirectory();
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
