package io.lifeboat.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything a restore must reproduce about a directory tree, read with lstat (symlinks are never
 * followed): per relative path the type, permission bits (incl. setuid/setgid/sticky), owner,
 * mtime as the file system keeps it, and for files the size and SHA-256 of the content, for
 * symlinks the target verbatim. Directory sizes are left out: they depend on the file system.
 */
record TreeManifest(SortedMap<String, Entry> entries) {
    private static final int SHOWN_DIFFERENCES = 25;

    /** One entry; {@code sha256} only for files, {@code linkTarget} only for symlinks. */
    record Entry(String type, int mode, int uid, int gid, FileTime mtime, long size, String sha256, String linkTarget) {
        @Override
        public String toString() {
            return type + " mode=" + Integer.toOctalString(mode) + " uid=" + uid + " gid=" + gid + " mtime=" + mtime
                    + (type.equals("file") ? " size=" + size + " sha256=" + sha256.substring(0, 16) : "")
                    + (linkTarget != null ? " -> " + linkTarget : "");
        }
    }

    /** Reads the tree below {@code root}; the root itself has the path {@code ""}. */
    static TreeManifest of(Path root) {
        SortedMap<String, Entry> entries = new TreeMap<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    entries.put(relative(root, dir), entry(dir));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    entries.put(relative(root, file), entry(file));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the tree " + root, e);
        }
        return new TreeManifest(entries);
    }

    /** Files (by relative path) only. */
    Map<String, Entry> files() {
        SortedMap<String, Entry> files = new TreeMap<>();
        entries.forEach((path, e) -> {
            if (e.type().equals("file")) {
                files.put(path, e);
            }
        });
        return files;
    }

    /** Human-readable differences from {@code expected} (the first few), empty when equal. */
    List<String> differencesFrom(TreeManifest expected) {
        List<String> out = new ArrayList<>();
        int total = 0;
        for (String path : union(expected)) {
            Entry want = expected.entries.get(path);
            Entry got = entries.get(path);
            if (Objects.equals(want, got)) {
                continue;
            }
            total++;
            if (out.size() < SHOWN_DIFFERENCES) {
                out.add("'" + path + "': expected " + (want == null ? "nothing" : want) + ", found "
                        + (got == null ? "nothing" : got));
            }
        }
        if (total > out.size()) {
            out.add("… " + (total - out.size()) + " more difference(s)");
        }
        return out;
    }

    private List<String> union(TreeManifest other) {
        TreeMap<String, Boolean> all = new TreeMap<>();
        entries.keySet().forEach(k -> all.put(k, true));
        other.entries.keySet().forEach(k -> all.put(k, true));
        return new ArrayList<>(all.keySet());
    }

    private static String relative(Path root, Path p) {
        return root.relativize(p).toString();
    }

    private static Entry entry(Path p) {
        try {
            Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,lastModifiedTime,size",
                    LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            int perms = mode & 07777;
            FileTime mtime = (FileTime) a.get("lastModifiedTime");
            int uid = (Integer) a.get("uid");
            int gid = (Integer) a.get("gid");
            if (Files.isSymbolicLink(p)) {
                return new Entry("symlink", perms, uid, gid, mtime, 0, null, Files.readSymbolicLink(p).toString());
            }
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                return new Entry("directory", perms, uid, gid, mtime, 0, null, null);
            }
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                return new Entry("file", perms, uid, gid, mtime, (Long) a.get("size"), TestData.sha256(p), null);
            }
            return new Entry("other", perms, uid, gid, mtime, 0, null, null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }
}
