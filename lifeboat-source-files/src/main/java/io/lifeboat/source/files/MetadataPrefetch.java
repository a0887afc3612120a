package io.lifeboat.source.files;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads the directories and file attributes of a backup's paths ahead of the walk, on a virtual
 * thread, so that the kernel has them cached when the walk asks: started while the repository's
 * key is derived (a third of a second of CPU on one core), it turns the walk's waits for the disk
 * into time that was spent anyway. It reads metadata only, never file contents, follows no
 * symbolic link, skips excluded entries, and stops when closed. Failures are ignored: the walk
 * meets and reports the same entries itself.
 */
public final class MetadataPrefetch implements AutoCloseable {
    private final Thread thread;
    private final AtomicLong entries = new AtomicLong();
    private volatile boolean stopped;

    private MetadataPrefetch(List<Path> paths, ExcludePatterns excludes) {
        this.thread = Thread.ofVirtual().name("metadata-prefetch").start(() -> walk(paths, excludes));
    }

    static MetadataPrefetch start(List<Path> paths, ExcludePatterns excludes) {
        return new MetadataPrefetch(paths, excludes);
    }

    private void walk(List<Path> paths, ExcludePatterns excludes) {
        Deque<Path> directories = new ArrayDeque<>();
        for (Path p : paths) {
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                directories.push(p);
            }
        }
        while (!directories.isEmpty() && !stopped) {
            try (DirectoryStream<Path> children = Files.newDirectoryStream(directories.pop())) {
                for (Path child : children) {
                    if (stopped) {
                        return;
                    }
                    BasicFileAttributes a = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    entries.incrementAndGet();
                    if (a.isDirectory() && !excludes.excludes(child, true)) {
                        directories.push(child);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // The walk reads the same directory and reports what is wrong with it.
            }
        }
    }

    /** Entries whose attributes were read so far. */
    long entries() {
        return entries.get();
    }

    /** Waits for the prefetch to end (for tests). */
    void join() throws InterruptedException {
        thread.join();
    }

    @Override
    public void close() {
        stopped = true;
    }
}
