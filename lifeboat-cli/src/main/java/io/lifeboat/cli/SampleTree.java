package io.lifeboat.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** The demo's sample data: a small RAG-like upload folder, and a byte-for-byte tree comparison. */
final class SampleTree {
    private SampleTree() {}

    static void write(Path root) throws IOException {
        if (Files.exists(root.resolve("README.txt"))) {
            return;
        }
        Files.createDirectories(root.resolve("documents/2026"));
        Files.createDirectories(root.resolve("config"));
        Files.createDirectories(root.resolve("Grüße/日本語"));
        Files.writeString(root.resolve("README.txt"), "Sample uploads of a RAG application.\n");
        SplittableRandom r = new SplittableRandom(42);
        String[] words = {"vector", "embedding", "chunk", "document", "backup", "restore", "query", "index", "payload"};
        for (int i = 0; i < 40; i++) {
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < 4000; w++) {
                sb.append(words[r.nextInt(words.length)]).append(w % 17 == 16 ? ".\n" : " ");
            }
            Files.writeString(root.resolve("documents/2026/doc-" + i + ".txt"), sb);
        }
        byte[] blob = new byte[8 * 1024 * 1024];
        r.nextBytes(blob);
        Files.write(root.resolve("documents/scan.bin"), blob);
        Files.writeString(root.resolve("config/app.yaml"), "collection: docs\nembedding_dim: 384\n");
        Files.setPosixFilePermissions(root.resolve("config/app.yaml"), PosixFilePermissions.fromString("rw-------"));
        Files.writeString(root.resolve("Grüße/日本語/メモ.txt"), "non-ASCII names round-trip\n", StandardCharsets.UTF_8);
        Files.createFile(root.resolve("empty.txt"));
        Files.createSymbolicLink(root.resolve("latest-config"), Path.of("config/app.yaml"));
    }

    static void touchOneFile(Path root) throws IOException {
        Path f = root.resolve("documents/2026/doc-0.txt");
        Files.writeString(f, "edited " + System.nanoTime() + "\n", java.nio.file.StandardOpenOption.APPEND);
    }

    record Comparison(long files, long symlinks, long bytes, List<String> differences) {}

    /** Compares content, mode, mtime and symlink targets of two trees. */
    static Comparison compare(Path a, Path b) throws IOException {
        List<String> diffs = new ArrayList<>();
        long[] counts = new long[3];
        Files.walkFileTree(a, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path other = b.resolve(a.relativize(file).toString());
                if (attrs.isSymbolicLink()) {
                    counts[1]++;
                    if (!Files.isSymbolicLink(other) || !Files.readSymbolicLink(other).equals(Files.readSymbolicLink(file))) {
                        diffs.add(other + ": symlink differs");
                    }
                    return FileVisitResult.CONTINUE;
                }
                counts[0]++;
                if (!Files.isRegularFile(other, LinkOption.NOFOLLOW_LINKS)) {
                    diffs.add(other + ": missing");
                    return FileVisitResult.CONTINUE;
                }
                counts[2] += attrs.size();
                if (!sameContent(file, other)) {
                    diffs.add(other + ": content differs");
                }
                if (!Files.getPosixFilePermissions(file).equals(Files.getPosixFilePermissions(other))) {
                    diffs.add(other + ": mode differs");
                }
                FileTime t = Files.getLastModifiedTime(other, LinkOption.NOFOLLOW_LINKS);
                if (!t.equals(attrs.lastModifiedTime())) {
                    diffs.add(other + ": mtime differs");
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return new Comparison(counts[0], counts[1], counts[2], diffs);
    }

    private static boolean sameContent(Path x, Path y) throws IOException {
        try (InputStream i = Files.newInputStream(x); InputStream j = Files.newInputStream(y)) {
            byte[] bx = new byte[1 << 16];
            byte[] by = new byte[1 << 16];
            while (true) {
                int n = i.readNBytes(bx, 0, bx.length);
                int m = j.readNBytes(by, 0, by.length);
                if (n != m || !Arrays.equals(bx, 0, n, by, 0, m)) {
                    return false;
                }
                if (n == 0) {
                    return true;
                }
            }
        }
    }
}
