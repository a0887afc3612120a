package io.lifeboat.storage.local;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Visits the regular files under a folder, down to a depth, while other threads and processes
 * add and remove files: a file or folder that vanishes between being listed and being looked at
 * is skipped, a missing folder has no files. Unlike {@link Files#walk}, which fails on the first
 * vanished entry.
 *
 * @param depth 1 visits the folder's own files, 2 also those of its sub-folders, and so on
 * @param dotFiles whether to visit files whose name starts with a dot (temporaries, locks)
 */
record FolderWalk(Path folder, int depth, boolean dotFiles) {

    /** What to do with one file. */
    @FunctionalInterface
    interface FileAction {
        void accept(Path file, BasicFileAttributes attributes) throws IOException;
    }

    /** A walk that skips dot files. */
    FolderWalk(Path folder, int depth) {
        this(folder, depth, false);
    }

    void forEachFile(FileAction action) throws IOException {
        walk(folder, depth, action);
    }

    private void walk(Path current, int levels, FileAction action) throws IOException {
        for (Path entry : entries(current)) {
            if (!dotFiles && entry.getFileName().toString().startsWith(".")) {
                continue;
            }
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(entry, BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                continue;
            }
            if (attributes.isDirectory()) {
                if (levels > 1) {
                    walk(entry, levels - 1, action);
                }
            } else if (attributes.isRegularFile()) {
                action.accept(entry, attributes);
            }
        }
    }

    /** The folder's entries, read before any is visited so that no folder stays open meanwhile. */
    private static List<Path> entries(Path current) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(current)) {
            stream.forEach(entries::add);
        } catch (NoSuchFileException | NotDirectoryException e) {
            return List.of();
        }
        return entries;
    }
}
