package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backup → restore → compare on a tree that holds every kind of entry the files source promises
 * to keep: empty files and directories, a 1 GiB file, 10,000 small files, relative, absolute and
 * dangling symlinks, non-ASCII names, unusual modes and sub-second (and pre-1970) mtimes.
 */
class TreeRoundTripIT {
    private static final long SEED = 20_261_122L;
    private static final int SMALL_FILES = 10_000;

    @TempDir
    static Path tmp;

    private static Path source;
    private static TreeManifest original;
    private static CliProcess cli;
    private static JsonNode backupStats;

    @BeforeAll
    static void backUpTheTree() throws IOException {
        source = tmp.resolve("src");
        long t0 = System.nanoTime();
        writeTree(source);
        original = TreeManifest.of(source);
        System.out.printf("TreeRoundTripIT: wrote %d entries, %d bytes in %.1fs%n", original.entries().size(),
                TestData.bytesUnder(source), (System.nanoTime() - t0) / 1e9);

        cli = CliProcess.forRepository(tmp.resolve("repo"), "round trip password");
        cli.run("init").assertSuccess();
        CliResult backup = cli.run("backup", "files", source.toString(), "--json").assertSuccess();
        backupStats = backup.json().path("snapshot").path("stats");
        System.out.printf("TreeRoundTripIT: backup took %.1fs, stats %s%n", backup.seconds(), backupStats);
    }

    @Test
    void backupCountsEveryFileAndReadsEveryByte() {
        assertThat(backupStats.path("files").asLong()).isEqualTo(original.files().size());
        assertThat(backupStats.path("bytes_read").asLong()).isEqualTo(TestData.bytesUnder(source));
        assertThat(backupStats.path("bytes_read").asLong()).isGreaterThan(TestData.GIB);
    }

    @Test
    void restoreReproducesContentModesMtimesSymlinksAndNames() {
        Path target = tmp.resolve("restore");
        CliResult restore = cli.run("restore", "latest", "--target", target.toString(), "--json").assertSuccess();
        JsonNode r = restore.json();
        System.out.printf("TreeRoundTripIT: restore took %.1fs: %s files, %s bytes%n", restore.seconds(),
                r.path("files"), r.path("bytes_written"));

        TreeManifest restored = TreeManifest.of(CliProcess.restoredLocation(target, source));

        assertThat(restored.differencesFrom(original)).as("restored tree versus source tree").isEmpty();
        assertThat(restored.entries().keySet()).containsExactlyElementsOf(original.entries().keySet());
        assertThat(r.path("files").asLong()).isEqualTo(original.files().size());
        assertThat(r.path("symlinks").asLong()).isEqualTo(4);
        assertThat(r.path("warnings")).isEmpty();
    }

    @Test
    void lsListsEveryFileOfTheSnapshotWithItsSize() {
        CliResult ls = cli.run("ls", "latest", "-R", "--json").assertSuccess();

        Map<String, Long> listed = new TreeMap<>();
        for (JsonNode e : ls.json()) {
            if (e.path("type").asText().equals("file") && e.path("path").asText().startsWith(source + "/small/")) {
                listed.put(e.path("path").asText(), e.path("size").asLong());
            }
        }
        Map<String, Long> expected = new TreeMap<>();
        original.files().forEach((path, entry) -> {
            if (path.startsWith("small/")) {
                expected.put(source + "/" + path, entry.size());
            }
        });
        assertThat(listed).hasSize(SMALL_FILES).isEqualTo(expected);
    }

    private static void writeTree(Path src) throws IOException {
        SplittableRandom random = new SplittableRandom(SEED);
        Files.createDirectories(src);

        Files.createFile(src.resolve("empty"));
        Files.createDirectories(src.resolve("empty-dir"));
        Files.createDirectories(src.resolve("dir-a"));
        Files.createFile(src.resolve("dir-a/empty-too"));

        Files.createDirectories(src.resolve("big"));
        TestData.write(src.resolve("big/one-gib.bin"), TestData.GIB, random.nextLong());

        for (int i = 0; i < SMALL_FILES; i++) {
            Path dir = src.resolve("small/d" + (i / 1000) + "/e" + (i / 100 % 10));
            if (i % 100 == 0) {
                Files.createDirectories(dir);
            }
            Files.write(dir.resolve(String.format("f%04d.bin", i)), TestData.bytes(random.nextInt(4097), random));
        }

        Files.createDirectories(src.resolve("Grüße"));
        Files.writeString(src.resolve("Grüße/Grüße.txt"), "Grüße aus dem Test\n");
        Files.createDirectories(src.resolve("日本語"));
        Files.writeString(src.resolve("日本語/メモ.txt"), "メモ\n");
        Files.writeString(src.resolve("emoji-😀.txt"), "😀\n");
        Files.writeString(src.resolve("name with spaces & 'quotes'.txt"), "spaces\n");

        Files.createDirectories(src.resolve("links"));
        Files.createSymbolicLink(src.resolve("links/relative"), Path.of("../dir-a/empty-too"));
        Files.createSymbolicLink(src.resolve("links/absolute"), src.resolve("Grüße/Grüße.txt").toAbsolutePath());
        Files.createSymbolicLink(src.resolve("links/dangling"), Path.of("no/such/file"));
        Files.createSymbolicLink(src.resolve("links/to-directory"), Path.of("../small"));

        Files.createDirectories(src.resolve("modes"));
        mode(Files.writeString(src.resolve("modes/private-0600.txt"), "private\n"), "rw-------");
        mode(Files.writeString(src.resolve("modes/script-0755.sh"), "#!/bin/sh\necho hi\n"), "rwxr-xr-x");
        mode(Files.writeString(src.resolve("modes/owner-only-0700"), "owner\n"), "rwx------");
        Files.writeString(Files.createDirectories(src.resolve("modes/dir-0700")).resolve("inside.txt"), "inside\n");
        mode(src.resolve("modes/dir-0700"), "rwx------");

        // Set last: adding entries changes a directory's mtime.
        mtime(src.resolve("big/one-gib.bin"), "2001-02-03T04:05:06.123456789Z");
        mtime(src.resolve("empty"), "1969-07-20T20:17:40.5Z");
        mtime(src.resolve("modes/private-0600.txt"), "2038-01-19T03:14:08.000000001Z");
        mtime(src.resolve("日本語/メモ.txt"), "2024-02-29T23:59:59.999999999Z");
        mtime(src.resolve("links/relative"), "2010-10-10T10:10:10.101010101Z");
        mtime(src.resolve("日本語"), "2020-01-01T00:00:00.5Z");
        mtime(src.resolve("modes/dir-0700"), "2015-05-05T05:05:05.050505050Z");
        mtime(src.resolve("empty-dir"), "1999-12-31T23:59:59.75Z");
    }

    private static void mode(Path p, String perms) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    }

    private static void mtime(Path p, String instant) throws IOException {
        FileTime t = FileTime.from(Instant.parse(instant));
        Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(t, null, null);
    }
}
