package io.lifeboat.storage.local;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The fallback commit of {@link LocalStorage#create} on file systems without hard links: check
 * that the name is free and rename the temporary onto it while holding an exclusive OS lock
 * ({@code fcntl}/{@code LockFileEx}) on one lock file per repository. The OS releases the lock
 * when a process dies, so a crash never leaves the repository locked; the lock file itself stays
 * (its name starts with a dot, so it is never listed).
 *
 * <p>Excludes other creates only: a {@code put} of the same name does not take the lock.
 * Waits at most {@code timeout} for the lock, then fails with a retryable error.
 */
final class CreateLock {
    private static final long POLL_MILLIS = 5;

    private final Path file;
    private final Duration timeout;
    /** Orders this instance's threads; the OS lock is per process and cannot. */
    private final ReentrantLock threads = new ReentrantLock();

    CreateLock(Path file, Duration timeout) {
        this.file = file;
        this.timeout = timeout;
    }

    /** Renames {@code temporary} to {@code target} unless {@code target} exists; returns whether it did. */
    boolean renameIfAbsent(Path temporary, Path target, FileAttribute<?>[] mode) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!threads.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw timedOut();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + file);
        }
        try (FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), mode);
                FileLock lock = acquire(channel, deadline)) {
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } finally {
            threads.unlock();
        }
    }

    private FileLock acquire(FileChannel channel, long deadline) throws IOException {
        while (true) {
            try {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    return lock;
                }
            } catch (OverlappingFileLockException e) {
                // Another LocalStorage on this root in this JVM holds it: wait like for another process.
            }
            if (System.nanoTime() - deadline > 0) {
                throw timedOut();
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for " + file);
            }
        }
    }

    private IOException timedOut() {
        return new IOException("timed out after " + timeout.toSeconds() + "s waiting for the lock " + file
                + " (another process is creating an object)");
    }
}
