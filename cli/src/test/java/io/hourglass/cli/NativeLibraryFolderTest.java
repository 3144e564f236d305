package io.hourglass.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.xerial.snappy.Snappy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real JVMs that load snappy-java's native library as Kafka's clients do, killed with SIGKILL. */
@Timeout(120)
class NativeLibraryFolderTest {
    @TempDir
    Path tmp;
    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() {
        children.forEach(Process::destroyForcibly);
    }

    @Test
    void theLibraryOfAKilledProcessIsRemovedByTheNextStart() throws Exception {
        Process first = startSnappyUser();
        Path firstLibrary = onlyLibraryUnder(tmp.resolve(rootName()).resolve(Long.toString(first.pid())));
        first.destroyForcibly().waitFor();
        assertThat(firstLibrary).as("nothing runs at a SIGKILL").exists();

        Process second = startSnappyUser();
        assertThat(firstLibrary.getParent()).doesNotExist();
        onlyLibraryUnder(tmp.resolve(rootName()).resolve(Long.toString(second.pid())));
        assertThat(librariesUnder(tmp)).hasSize(1);
    }

    @Test
    void aFolderTheOperatorChoseIsKept() throws Exception {
        Path chosen = tmp.resolve("chosen");
        startSnappyUser("-D" + NativeLibraryFolder.SNAPPY_TEMPDIR + "=" + chosen);
        onlyLibraryUnder(chosen);
        assertThat(tmp.resolve(rootName())).doesNotExist();
    }

    private static String rootName() {
        return "hourglass-native-" + System.getProperty("user.name").replaceAll("[^\\w.-]", "_");
    }

    /** Starts a JVM that begins as {@link Main} does and then loads snappy-java; returns once it has. */
    private Process startSnappyUser(String... jvmOptions) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SnappyUser.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        children.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.equals(SnappyUser.READY)) {
                return p;
            }
            seen.append(line).append('\n');
        }
        throw new AssertionError("the child exited before it loaded snappy-java:\n" + seen);
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

    /** The child: {@link Main}'s first step, then snappy-java, which Kafka's clients load the same way, then it waits to be killed. */
    public static final class SnappyUser {
        static final String READY = "loaded";

        public static void main(String[] args) throws Exception {
            NativeLibraryFolder.confine(Path.of(System.getProperty("java.io.tmpdir")));
            Snappy.compress("an event".getBytes(StandardCharsets.UTF_8));
            System.out.println(READY);
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
