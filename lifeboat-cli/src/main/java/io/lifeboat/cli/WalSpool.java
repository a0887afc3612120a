package io.lifeboat.cli;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The directory where {@code wal fetch} keeps the segments it fetched ahead of recovery,
 * {@code pg_wal/.lifeboat-prefetch} of the data directory being recovered. PostgreSQL ignores it
 * (its name is no WAL file name). Each file is written to a temporary name, fsynced and renamed,
 * so a spooled segment is always whole; archived WAL never changes, so a spooled file is as good
 * as the stored one. Segments older than the one recovery asks for are deleted, so the spool holds
 * at most the prefetch window; {@code restore postgres --start} removes it once recovery has ended.
 * Used by one {@code restore_command} at a time (PostgreSQL runs them one after another).
 */
final class WalSpool {
    static final String DIRECTORY = ".lifeboat-prefetch";

    private final Path dir;

    WalSpool(Path dataDir) {
        this.dir = dataDir.resolve("pg_wal").resolve(DIRECTORY);
    }

    Path directory() {
        return dir;
    }

    /** Moves the spooled {@code name} to {@code dest} (atomically) and returns true, or false when it is not spooled. */
    boolean take(String name, Path dest) {
        Path p = dir.resolve(name);
        if (!Files.isRegularFile(p)) {
            return false;
        }
        try {
            Files.move(p, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.STORAGE_IO, "cannot move prefetched WAL file " + p + " to " + dest + ": "
                    + e.getMessage(), "check the permissions of the data directory, or turn prefetching off with --prefetch 0", e);
        }
    }

    boolean contains(String name) {
        return Files.isRegularFile(dir.resolve(name));
    }

    /** Stores one prefetched segment durably under its name. */
    void put(String name, byte[] content) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Path tmp = dir.resolve(name + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(content);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Deletes spooled segments before {@code name} (by segment number, any timeline) and leftover temporary files. */
    void dropOlderThan(String name) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        String position = name.substring(8, 24);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                String n = p.getFileName().toString();
                if (n.endsWith(".tmp") || (n.length() == 24 && n.substring(8).compareTo(position) < 0)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Removes the spool and everything in it; a spool that is not there is fine. */
    void remove() throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    static Optional<String> segmentName(String name) {
        return name.matches("[0-9A-F]{24}") ? Optional.of(name) : Optional.empty();
    }
}
