package io.lifeboat.source.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lifeboat.core.source.BackupOutcome;
import io.lifeboat.core.source.RestoreOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backup → restore → compare, through the in-memory repository. */
class FilesRoundTripTest {
    private static final Instant T0 = Instant.ofEpochSecond(1_600_000_000L, 123_456_789);

    @TempDir
    Path tmp;

    private final FakeRepository repo = new FakeRepository();

    @Test
    void restoredTreeIsIdenticalInContentModeAndMtime() throws IOException {
        assertThat(System.getProperty("sun.jnu.encoding"))
                .as("file names need a UTF-8 locale (LC_ALL=C.UTF-8)").isEqualTo("UTF-8");
        Path src = Disk.mkdirs(tmp.resolve("src"));
        Disk.write(src.resolve("empty.txt"), new byte[0]);
        byte[] big = new byte[300_000];
        new Random(42).nextBytes(big);
        Disk.write(src.resolve("dir/nested/deeper/file.bin"), big);
        Disk.write(src.resolve("dir/nested/empty-dir-sibling.txt"), "x");
        Disk.mkdirs(src.resolve("dir/empty-dir"));
        Disk.write(src.resolve("Grüße/日本語.txt"), "こんにちは");
        Disk.write(src.resolve("émoji-😀"), "smile");
        Disk.symlink(src.resolve("abs-link"), src.resolve("dir/nested").toString());
        Disk.symlink(src.resolve("rel-link"), "dir/nested/deeper/file.bin");
        Disk.symlink(src.resolve("dangling"), "does/not/exist");
        Disk.symlink(src.resolve("Grüße/zu-日本語"), "日本語.txt");
        Disk.mode(Disk.write(src.resolve("private"), "secret"), 0600);
        Disk.mode(Disk.write(src.resolve("script.sh"), "#!/bin/sh\n"), 0755);
        Disk.mode(Disk.write(src.resolve("setuid"), "suid"), 04755);
        Disk.mode(Disk.write(src.resolve("read-only"), "ro"), 0444);
        Disk.mode(Disk.mkdirs(src.resolve("sticky")), 01777);
        Disk.mode(Disk.mkdirs(src.resolve("locked-dir")), 0555);
        stampMtimesBottomUp(src);

        BackupOutcome backup = new FilesSource(FilesSourceConfig.of(src)).backup(repo, Optional.empty());
        Path target = tmp.resolve("restore");
        RestoreOutcome restore = new FilesRestoreTarget(FilesRestoreTargetConfig.of(target)).restore(backup.root(), repo);

        assertThat(backup.warnings()).isEmpty();
        assertThat(restore.warnings()).isEmpty();
        Path restored = target.resolve(Path.of("/").relativize(src));
        assertThat(Disk.scan(restored)).containsExactlyEntriesOf(Disk.scan(src));
        assertThat(backup.files()).isEqualTo(9);
        assertThat(backup.metadata()).containsEntry("symlinks", 4L);
        assertThat(restore.files()).isEqualTo(9);
        assertThat(restore.symlinks()).isEqualTo(4);
        assertThat(restore.bytesWritten()).isEqualTo(backup.bytesRead()).isEqualTo(big.length + 43);
        // The named path's own directory plus its 7 directories, plus the directories above it.
        assertThat(restore.directories()).isEqualTo(backup.directories()).isEqualTo(8 + src.getNameCount() - 1);
    }

    @Test
    void directoriesAboveTheNamedPathAreRestoredWithTheirMetadata() throws IOException {
        Path src = Disk.write(tmp.resolve("a/b/file"), "f").getParent();
        Disk.mode(tmp.resolve("a"), 0750);
        Disk.mtime(tmp.resolve("a"), T0);

        var backup = new FilesSource(FilesSourceConfig.of(src)).backup(repo, Optional.empty());
        Path target = tmp.resolve("restore");
        new FilesRestoreTarget(FilesRestoreTargetConfig.of(target)).restore(backup.root(), repo);

        Path restoredA = target.resolve(Path.of("/").relativize(tmp.resolve("a")));
        assertThat(Disk.mode(restoredA)).isEqualTo(0750);
        assertThat(Disk.mtime(restoredA)).isEqualTo(T0);
        assertThat(Disk.mode(target.resolve(Path.of("/").relativize(tmp)))).isEqualTo(Disk.mode(tmp));
        try (var entries = Files.list(restoredA)) {
            assertThat(entries).containsExactly(restoredA.resolve("b"));
        }
    }

    @Test
    void ownershipIsRestoredAsRootAndKeepsSetuidAfterChown() throws IOException {
        assumeTrue(Disk.runningAsRoot(), "only root may give files away");
        Path src = Disk.mkdirs(tmp.resolve("src"));
        Path file = Disk.write(src.resolve("owned"), "o");
        Files.setAttribute(file, "unix:uid", 12345);
        Files.setAttribute(file, "unix:gid", 23456);
        Disk.mode(file, 06755);
        Path link = Disk.symlink(src.resolve("link"), "owned");
        Files.setAttribute(link, "unix:uid", 2222, LinkOption.NOFOLLOW_LINKS);

        var backup = new FilesSource(FilesSourceConfig.of(src)).backup(repo, Optional.empty());
        Path target = tmp.resolve("restore");
        var outcome = new FilesRestoreTarget(FilesRestoreTargetConfig.of(target), true, new SecureRandom(),
                Clock.systemUTC()).restore(backup.root(), repo);

        Path restored = target.resolve(Path.of("/").relativize(src));
        assertThat(outcome.warnings()).isEmpty();
        assertThat(Files.getAttribute(restored.resolve("owned"), "unix:uid")).isEqualTo(12345);
        assertThat(Files.getAttribute(restored.resolve("owned"), "unix:gid")).isEqualTo(23456);
        assertThat(Disk.mode(restored.resolve("owned"))).isEqualTo(06755);
        assertThat(Files.getAttribute(restored.resolve("link"), "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(2222);
    }

    @Test
    void ownershipIsLeftToTheRestoringUserWhenNotRequested() throws IOException {
        assumeTrue(Disk.runningAsRoot(), "needs a file owned by someone else");
        Path src = Disk.mkdirs(tmp.resolve("src"));
        Files.setAttribute(Disk.write(src.resolve("owned"), "o"), "unix:uid", 12345);

        var backup = new FilesSource(FilesSourceConfig.of(src)).backup(repo, Optional.empty());
        Path target = tmp.resolve("restore");
        var outcome = new FilesRestoreTarget(FilesRestoreTargetConfig.of(target), false, new SecureRandom(),
                Clock.systemUTC()).restore(backup.root(), repo);

        assertThat(outcome.warnings()).isEmpty();
        Path restored = target.resolve(Path.of("/").relativize(src)).resolve("owned");
        assertThat(Files.getAttribute(restored, "unix:uid")).isEqualTo(0);
    }

    /** Distinct nanosecond mtimes on every entry, children before their directory. */
    private static void stampMtimesBottomUp(Path root) throws IOException {
        var paths = new java.util.ArrayList<Path>();
        try (var walk = Files.walk(root)) {
            walk.forEach(paths::add);
        }
        paths.sort((x, y) -> Integer.compare(y.getNameCount(), x.getNameCount()));
        for (int i = 0; i < paths.size(); i++) {
            Disk.mtime(paths.get(i), T0.plusSeconds(i * 61L).plusNanos(i * 1_001L));
        }
    }
}
