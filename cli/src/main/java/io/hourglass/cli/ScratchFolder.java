package io.hourglass.cli;

import io.hourglass.core.OwnedFolders;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process's scratch folder, {@code <java.io.tmpdir>/hourglass-<user>/<pid>/}: snappy-java's native library, the
 * bench's broker and runs, {@code verify}'s id partitions. A process killed with SIGKILL cannot remove its own, and
 * snappy-java deletes its library (281 KB) only at a normal exit, so every killed JVM left files in the temp folder
 * for good, a full bench gigabytes. Each call removes the folders of processes that are gone.
 */
public final class ScratchFolder {
    static final String SNAPPY_TEMPDIR = "org.xerial.snappy.tempdir";
    private static final Logger log = LoggerFactory.getLogger(ScratchFolder.class);

    private ScratchFolder() {
    }

    /** This process's folder under {@code java.io.tmpdir}, made if need be. */
    public static Path ofThisProcess() throws IOException {
        return of(Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** This process's folder under {@code tmp}, made if need be. */
    static Path of(Path tmp) throws IOException {
        Path mine = of(tmp, ProcessHandle.current().pid());
        Path root = mine.getParent();
        ownRoot(tmp, root);
        OwnedFolders.mark(mine);
        List<Path> gone = OwnedFolders.removeAbandoned(root);
        if (!gone.isEmpty()) {
            log.info("Removed the scratch folders of {} Hourglass processes that are gone, under {}", gone.size(),
                    root);
        }
        return mine;
    }

    /**
     * Makes {@code root} if need be, for this user alone. In a shared /tmp another user could have made it first, or
     * put a link there, and then swap a native library before it is loaded: such a root is refused.
     */
    private static void ownRoot(Path tmp, Path root) throws IOException {
        Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rwx------");
        try {
            Files.createDirectory(root, PosixFilePermissions.asFileAttribute(ownerOnly));
            return;
        } catch (FileAlreadyExistsException e) {
            // made before: by this user, or not
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(root);  // not POSIX: the temp folder is the user's own
            return;
        }
        UserPrincipal owner = Files.getOwner(root, LinkOption.NOFOLLOW_LINKS);
        Path probe = Files.createTempFile(tmp, "hourglass-", ".owner");
        UserPrincipal me;
        try {
            me = Files.getOwner(probe);
        } finally {
            Files.delete(probe);
        }
        String wrong = Files.isSymbolicLink(root) ? "a link"
                : !Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS) ? "not a folder"
                : !owner.equals(me) ? "owned by " + owner.getName() : null;
        if (wrong != null) {
            throw new IOException(root + " is " + wrong + ", not a folder of this user's own; remove it, or point"
                    + " java.io.tmpdir elsewhere");
        }
        // Made by an Hourglass from before this check, it may be open to others.
        Files.setPosixFilePermissions(root, ownerOnly);
    }

    /** Where the folder of process {@code pid} is under {@code tmp}. */
    public static Path of(Path tmp, long pid) {
        // One root a user, as folders in a shared /tmp belong to whoever made them.
        String user = System.getProperty("user.name", "").replaceAll("[^\\w.-]", "_");
        return tmp.resolve("hourglass-" + user).resolve(Long.toString(pid));
    }

    /** Has snappy-java unpack its native library into this process's folder, unless the operator chose a folder. */
    static void holdNativeLibraries(Path tmp) {
        if (System.getProperty(SNAPPY_TEMPDIR) != null) {
            return;
        }
        try {
            System.setProperty(SNAPPY_TEMPDIR, of(tmp).toString());
        } catch (IOException e) {
            log.warn("Cannot make a scratch folder under {} ({}); snappy-java unpacks its native library there instead,"
                    + " where a killed process leaves it: make the folder writable, or set -D{}", tmp, e,
                    SNAPPY_TEMPDIR);
        }
    }
}
