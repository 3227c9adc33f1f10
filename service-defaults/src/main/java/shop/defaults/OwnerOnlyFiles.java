package shop.defaults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * Keeps the embedded database's files to the service's own user: they hold every order and
 * transaction, and H2 makes them with what the process's umask leaves, readable by every local
 * user under the usual 022. The folders the service makes for them are 0700; the database's
 * files are 0600, the main one made empty before H2 first opens it (H2 takes an empty file for a
 * new database, and keeps its mode), any it made before tightened. A folder that was there before
 * is left as it is: {@code ./shop} makes its own data folder owner-only. Where the file system
 * has no POSIX modes there is nothing to do.
 */
final class OwnerOnlyFiles {

    private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private OwnerOnlyFiles() {}

    /** Prepares the H2 database at {@code database} (its path without {@code .mv.db}); blocks, for the start. */
    static void h2(Path database) {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        Path absolute = database.toAbsolutePath().normalize();
        Path folder = absolute.getParent();
        String name = absolute.getFileName().toString();
        try {
            folders(folder);
            Path main = folder.resolve(name + ".mv.db");
            if (Files.notExists(main)) {
                Files.createFile(main, PosixFilePermissions.asFileAttribute(FILE));
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, name + ".*")) {
                for (Path file : files) {
                    if (Files.isRegularFile(file)) {
                        Files.setPosixFilePermissions(file, FILE);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "The embedded database's folder " + folder
                            + " (SHOP_DATA_DIR, or SHOP_DB_URL's file) cannot be prepared: " + e,
                    e);
        }
    }

    /** Makes the missing folders of {@code folder}, each 0700 whatever the umask. */
    private static void folders(Path folder) throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        for (Path at = folder; at != null && Files.notExists(at); at = at.getParent()) {
            missing.push(at);
        }
        for (Path at : missing) {
            Files.createDirectory(at);
            Files.setPosixFilePermissions(at, FOLDER);
        }
    }
}
