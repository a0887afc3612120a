package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The round-trip ITs trust {@link TreeManifest} to see every difference a restore could make. */
class TreeManifestTest {
    private static final FileTime MTIME = FileTime.from(Instant.parse("2020-01-02T03:04:05.123456789Z"));

    @TempDir
    Path tmp;

    private Path a;
    private Path b;

    @BeforeEach
    void twoEqualTrees() throws IOException {
        a = tmp.resolve("a");
        b = tmp.resolve("b");
        for (Path root : new Path[] {a, b}) {
            Files.createDirectories(root.resolve("dir"));
            Files.writeString(root.resolve("dir/file.txt"), "content");
            Files.createSymbolicLink(root.resolve("link"), Path.of("dir/file.txt"));
            setMtime(root.resolve("dir/file.txt"), MTIME);
            setMtime(root.resolve("link"), MTIME);
            setMtime(root.resolve("dir"), MTIME);
            setMtime(root, MTIME);
        }
    }

    @Test
    void equalTreesHaveNoDifferences() {
        assertThat(TreeManifest.of(b).differencesFrom(TreeManifest.of(a))).isEmpty();
    }

    @Test
    void contentOfTheSameLengthDiffers() throws IOException {
        Files.writeString(b.resolve("dir/file.txt"), "CONTENT");
        setMtime(b.resolve("dir/file.txt"), MTIME);
        assertThat(TreeManifest.of(b).differencesFrom(TreeManifest.of(a))).singleElement().asString()
                .startsWith("'dir/file.txt'");
    }

    @Test
    void modeDiffers() throws IOException {
        Files.setPosixFilePermissions(b.resolve("dir/file.txt"), PosixFilePermissions.fromString("rw-------"));
        assertThat(TreeManifest.of(b).differencesFrom(TreeManifest.of(a))).singleElement().asString()
                .contains("mode=600");
    }

    @Test
    void mtimeDiffersByOneNanosecond() throws IOException {
        setMtime(b.resolve("dir"), FileTime.from(MTIME.toInstant().plusNanos(1)));
        assertThat(TreeManifest.of(b).differencesFrom(TreeManifest.of(a))).singleElement().asString()
                .startsWith("'dir'");
    }

    @Test
    void symlinkTargetAndSymlinkMtimeDiffer() throws IOException {
        Files.delete(b.resolve("link"));
        Files.createSymbolicLink(b.resolve("link"), Path.of("elsewhere"));
        setMtime(b.resolve("link"), MTIME);
        setMtime(b, MTIME);
        assertThat(TreeManifest.of(b).differencesFrom(TreeManifest.of(a))).singleElement().asString()
                .contains("-> elsewhere");

        setMtime(b.resolve("link"), FileTime.from(Instant.EPOCH));
        assertThat(TreeManifest.of(b).differencesFrom(TreeManifest.of(a))).hasSize(1);
    }

    @Test
    void missingAndExtraEntriesDiffer() throws IOException {
        Files.writeString(b.resolve("extra"), "");
        Files.delete(b.resolve("link"));
        setMtime(b, MTIME);
        assertThat(TreeManifest.of(b).differencesFrom(TreeManifest.of(a)))
                .containsExactly("'extra': expected nothing, found " + TreeManifest.of(b).entries().get("extra"),
                        "'link': expected " + TreeManifest.of(a).entries().get("link") + ", found nothing");
    }

    private static void setMtime(Path p, FileTime t) throws IOException {
        Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(t, null, null);
    }
}
