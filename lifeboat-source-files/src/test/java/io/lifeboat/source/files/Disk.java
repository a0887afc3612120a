package io.lifeboat.source.files;

import io.lifeboat.core.id.Hex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** Builds and describes directory trees on disk for the tests. */
final class Disk {
    private Disk() {}

    /** What a test compares of one entry: everything a restore must bring back. */
    record Entry(String type, String mode, long uid, long gid, Instant mtime, long size, String content) {}

    static Path write(Path file, String text) {
        return write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    static Path write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path mkdirs(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path symlink(Path link, String target) {
        try {
            Files.createDirectories(link.getParent());
            return Files.createSymbolicLink(link, Path.of(target));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sets the entry's own mtime (a symlink's, not its target's). */
    static void mtime(Path path, Instant mtime) {
        try {
            Files.getFileAttributeView(path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setTimes(FileTime.from(mtime), null, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void mode(Path path, int mode) {
        try {
            Files.setAttribute(path, "unix:mode", mode);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int mode(Path path) {
        try {
            return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Instant mtime(Path path) {
        try {
            return Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS).toInstant();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean runningAsRoot() {
        return FilesRestoreTarget.runningAsRoot();
    }

    /** Every entry below and including {@code root}, keyed by path relative to it ("" for root). */
    static Map<String, Entry> scan(Path root) {
        var entries = new TreeMap<String, Entry>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    entries.put(root.relativize(dir).toString(), entry(dir));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    entries.put(root.relativize(file).toString(), entry(file));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    private static Entry entry(Path path) throws IOException {
        Map<String, Object> a = Files.readAttributes(path, "unix:mode,uid,gid,size,lastModifiedTime",
                LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        Instant mtime = ((FileTime) a.get("lastModifiedTime")).toInstant();
        long uid = (Integer) a.get("uid");
        long gid = (Integer) a.get("gid");
        if (Files.isSymbolicLink(path)) {
            return new Entry("symlink", null, uid, gid, mtime, 0, Files.readSymbolicLink(path).toString());
        }
        String octal = Integer.toOctalString(mode & 07777);
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            return new Entry("dir", octal, uid, gid, mtime, 0, null);
        }
        byte[] content = Files.readAllBytes(path);
        return new Entry("file", octal, uid, gid, mtime, (Long) a.get("size"), Hex.encode(FakeRepository.sha256(content)));
    }
}
