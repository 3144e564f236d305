package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/** Real JVMs that use their scratch folder and load snappy-java's native library as Kafka's clients do. */
@Timeout(120)
class ScratchFolderTest {
    @TempDir
    Path tmp;
    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() {
        children.forEach(Process::destroyForcibly);
    }

    @Test
    void theFolderOfAProcessKilledWithSigkillIsRemovedByTheNextStart() throws Exception {
        Process first = startScratchUser();
        Path firstFolder = folderOf(first);
        Path firstLibrary = onlyLibraryUnder(firstFolder);
        first.destroyForcibly().waitFor();
        assertThat(firstLibrary).as("nothing runs at a SIGKILL").exists();
        assertThat(firstFolder.resolve("work/data")).exists();

        Process second = startScratchUser();
        assertThat(firstFolder).doesNotExist();
        onlyLibraryUnder(folderOf(second));
        assertThat(librariesUnder(tmp)).hasSize(1);
    }

    @Test
    void aFolderTheOperatorChoseForTheLibraryIsKept() throws Exception {
        Path chosen = tmp.resolve("chosen");
        Process p = startScratchUser("-D" + ScratchFolder.SNAPPY_TEMPDIR + "=" + chosen);
        onlyLibraryUnder(chosen);
        assertThat(librariesUnder(folderOf(p))).isEmpty();
    }

    @Test
    void theRootIsMadeForThisUserAlone() throws Exception {
        Path mine = ScratchFolder.of(tmp);
        assertThat(mine).isEqualTo(ScratchFolder.of(tmp, ProcessHandle.current().pid()));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(mine.getParent())))
                .isEqualTo("rwx------");

        Files.setPosixFilePermissions(mine.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));  // as before
        ScratchFolder.of(tmp);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(mine.getParent())))
                .isEqualTo("rwx------");
    }

    /** In a shared /tmp, another user could put a link where the root goes, then swap the library before its load. */
    @Test
    void aRootThatIsALinkIsRefused() throws Exception {
        Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
        Files.createSymbolicLink(ScratchFolder.of(tmp, 1).getParent(), elsewhere);
        assertThatThrownBy(() -> ScratchFolder.of(tmp)).isInstanceOf(IOException.class).hasMessageContaining("a link");
        try (Stream<Path> made = Files.list(elsewhere)) {
            assertThat(made).isEmpty();
        }
    }

    @Test
    void aRootOfAnotherUserIsRefused() throws Exception {
        Path root = Files.createDirectory(ScratchFolder.of(tmp, 1).getParent());
        UserPrincipal nobody = root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        assumeTrue(System.getProperty("user.name").equals("root"), "only root can give a folder to another user");
        Files.setOwner(root, nobody);
        assertThatThrownBy(() -> ScratchFolder.of(tmp)).isInstanceOf(IOException.class)
                .hasMessageContaining("owned by nobody");
    }

    private Path folderOf(Process p) {
        return ScratchFolder.of(tmp, p.pid());
    }

    /** Starts a JVM that begins as {@link Main} does, then uses its folder; returns once it has. */
    private Process startScratchUser(String... jvmOptions) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ScratchUser.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        children.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.equals(ScratchUser.READY)) {
                return p;
            }
            seen.append(line).append('\n');
        }
        throw new AssertionError("the child exited before it used its folder:\n" + seen);
    }

    private static Path onlyLibraryUnder(Path dir) throws IOException {
        List<Path> found = librariesUnder(dir);
        assertThat(found).as("snappy's native library under %s", dir).hasSize(1);
        return found.get(0);
    }

    private static List<Path> librariesUnder(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(f -> f.getFileName().toString().startsWith("snappy-")).toList();
        }
    }

    /**
     * The child: {@link Main}'s first step, then snappy-java, which Kafka's clients load the same way, and a file in
     * its folder as the bench and {@code verify} make; then it waits to be killed.
     */
    public static final class ScratchUser {
        static final String READY = "ready";

        public static void main(String[] args) throws Exception {
            ScratchFolder.holdNativeLibraries(Path.of(System.getProperty("java.io.tmpdir")));
            Snappy.compress("an event".getBytes(StandardCharsets.UTF_8));
            Path data = ScratchFolder.ofThisProcess().resolve("work/data");
            Files.createDirectories(data.getParent());
            Files.writeString(data, "a run's files");
            System.out.println(READY);
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
