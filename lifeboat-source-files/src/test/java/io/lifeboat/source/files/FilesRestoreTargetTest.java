package io.lifeboat.source.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.progress.Progress;
import io.lifeboat.core.tree.Node;
import io.lifeboat.core.tree.Tree;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesRestoreTargetTest {
    private static final Instant T0 = Instant.ofEpochSecond(1_650_000_000L, 5);

    @TempDir
    Path tmp;

    private final FakeRepository repo = new FakeRepository();
    private Path src;
    private Path target;
    private BlobId root;

    @BeforeEach
    void backUpSampleTree() {
        src = tmp.resolve("src");
        Disk.write(src.resolve("docs/a.txt"), "alpha");
        Disk.write(src.resolve("docs/sub/b.txt"), "bravo");
        Disk.write(src.resolve("docs/sub/deeper/c.txt"), "charlie");
        Disk.write(src.resolve("other/d.txt"), "delta");
        Disk.write(src.resolve("top.txt"), "top");
        Disk.mode(src.resolve("docs"), 0750);
        Disk.mtime(src.resolve("docs"), T0);
        root = new FilesSource(FilesSourceConfig.of(src)).backup(repo, Optional.empty()).root();
        target = tmp.resolve("restore");
    }

    /** Where snapshot path {@code absolute} lands below the target. */
    private Path restored(Path absolute) {
        return target.resolve(Path.of("/").relativize(absolute));
    }

    private FilesRestoreTargetConfig config() {
        return FilesRestoreTargetConfig.of(target);
    }

    private List<String> filesBelow(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> !Files.isDirectory(p)).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void includeOfAFileRestoresItAndItsAncestorDirectoriesOnly() throws IOException {
        var outcome = new FilesRestoreTarget(config().withIncludes(List.of(src + "/docs/sub/b.txt")))
                .restore(root, repo);

        assertThat(filesBelow(target)).containsExactly(Path.of("/").relativize(src.resolve("docs/sub/b.txt")).toString());
        assertThat(Files.readString(restored(src.resolve("docs/sub/b.txt")))).isEqualTo("bravo");
        assertThat(Disk.mode(restored(src.resolve("docs")))).isEqualTo(0750);
        assertThat(Disk.mtime(restored(src.resolve("docs")))).isEqualTo(T0);
        assertThat(outcome.files()).isEqualTo(1);
    }

    @Test
    void includeOfADirectoryRestoresEverythingBelowIt() throws IOException {
        var outcome = new FilesRestoreTarget(config().withIncludes(List.of(src + "/docs/sub/"))).restore(root, repo);

        assertThat(filesBelow(restored(src))).containsExactly("docs/sub/b.txt", "docs/sub/deeper/c.txt");
        assertThat(outcome.files()).isEqualTo(2);
    }

    @Test
    void severalIncludesAreUnited() throws IOException {
        new FilesRestoreTarget(config().withIncludes(List.of(src + "/top.txt", src + "/other"))).restore(root, repo);

        assertThat(filesBelow(restored(src))).containsExactly("other/d.txt", "top.txt");
    }

    @Test
    void includeOfAMissingPathFailsBeforeWritingAnything() {
        var restore = new FilesRestoreTarget(config().withIncludes(List.of(src + "/top.txt", src + "/docs/nope")));

        assertThatThrownBy(() -> restore.restore(root, repo))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                    assertThat(e.hint()).contains("lifeboat ls");
                })
                .hasMessageContaining(src + "/docs/nope");
        assertThat(target).doesNotExist();
    }

    @Test
    void includeThroughAFileIsNotFound() {
        var restore = new FilesRestoreTarget(config().withIncludes(List.of(src + "/top.txt/x")));

        assertThatThrownBy(() -> restore.restore(root, repo)).isInstanceOfSatisfying(LifeboatException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void contentFailingMidFileLeavesNoFileAndNoTemporaryFileBehind() throws IOException {
        var damage = LifeboatException.damaged("blob 1234: authentication failed", "run 'lifeboat check --read-data'");
        var reader = new FakeRepository() {
            @Override
            public InputStream openContent(List<BlobId> ids) {
                return failingAfter(super.openContent(ids), 3, damage);
            }
        };
        reader.blobs.putAll(repo.blobs);
        reader.trees.putAll(repo.trees);
        Path existing = Disk.write(restored(src.resolve("top.txt")), "previous version");

        assertThatThrownBy(() -> new FilesRestoreTarget(config().withIncludes(List.of(src + "/top.txt")))
                .restore(root, reader))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.DAMAGED_DATA);
                    assertThat(e.hint()).isEqualTo(damage.hint());
                })
                .hasMessage("restore of " + src + "/top.txt: blob 1234: authentication failed")
                .hasCause(damage);

        assertThat(existing).hasContent("previous version");
        try (Stream<Path> entries = Files.list(existing.getParent())) {
            assertThat(entries).containsExactly(existing);
        }
    }

    @Test
    void temporaryFilesOfAKilledRestoreAreRemovedByTheNextRestore() throws IOException {
        Path docs = restored(src.resolve("docs"));
        Path leftoverInRoot = Disk.write(target.resolve(RestoreWalk.TEMP_PREFIX + "0123456789abcdef"), "partial");
        Path leftoverInDocs = Disk.write(docs.resolve(RestoreWalk.TEMP_PREFIX + "fedcba9876543210"), "partial");
        Path lookalikeUpper = Disk.write(docs.resolve(RestoreWalk.TEMP_PREFIX + "FEDCBA9876543210"), "user data");
        Path lookalikeLong = Disk.write(docs.resolve(RestoreWalk.TEMP_PREFIX + "0123456789abcdef0"), "user data");
        Path lookalikeDir = Files.createDirectories(docs.resolve(RestoreWalk.TEMP_PREFIX + "00000000000000aa"));

        new FilesRestoreTarget(config()).restore(root, repo);

        assertThat(leftoverInRoot).doesNotExist();
        assertThat(leftoverInDocs).doesNotExist();
        assertThat(lookalikeUpper).hasContent("user data");
        assertThat(lookalikeLong).hasContent("user data");
        assertThat(lookalikeDir).isDirectory();
        assertThat(restored(src.resolve("docs/a.txt"))).hasContent("alpha");
    }

    @Test
    void readErrorMidFileFailsWithTheSnapshotPathAndLeavesNothing() throws IOException {
        var reader = new FakeRepository() {
            @Override
            public InputStream openContent(List<BlobId> ids) {
                return failingAfter(super.openContent(ids), 2, new IOException("connection reset"));
            }
        };
        reader.blobs.putAll(repo.blobs);
        reader.trees.putAll(repo.trees);

        assertThatThrownBy(() -> new FilesRestoreTarget(config()).restore(root, reader))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_IO))
                .hasMessageContaining("restore of " + src + "/docs/a.txt")
                .hasRootCauseMessage("connection reset");
        assertThat(filesBelow(target)).isEmpty();
    }

    @Test
    void contentShorterThanRecordedIsDamagedAndNotWritten() throws IOException {
        var reader = new FakeRepository() {
            @Override
            public InputStream openContent(List<BlobId> ids) {
                return new ByteArrayInputStream("alp".getBytes(StandardCharsets.UTF_8));
            }
        };
        reader.blobs.putAll(repo.blobs);
        reader.trees.putAll(repo.trees);

        assertThatThrownBy(() -> new FilesRestoreTarget(config()).restore(root, reader))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DAMAGED_DATA))
                .hasMessageContaining("restore of " + src + "/docs/a.txt")
                .hasMessageContaining("3 bytes, the snapshot records 5");
        // Files are written in parallel: top.txt (3 bytes, the same size as the fake content) may be
        // finished by another worker, but no file whose content came up short exists, nor any temporary.
        assertThat(filesBelow(target)).allSatisfy(f -> assertThat(f).endsWith("/top.txt"));
    }

    @Test
    void overwriteAlwaysReplacesExistingFiles() throws IOException {
        Path existing = Disk.write(restored(src.resolve("top.txt")), "old");

        var outcome = new FilesRestoreTarget(config()).restore(root, repo);

        assertThat(existing).hasContent("top");
        assertThat(outcome.warnings()).isEmpty();
    }

    @Test
    void overwriteNeverKeepsExistingFilesWithAWarning() throws IOException {
        Path existing = Disk.write(restored(src.resolve("top.txt")), "old");

        var outcome = new FilesRestoreTarget(config().withOverwrite(OverwritePolicy.NEVER)).restore(root, repo);

        assertThat(existing).hasContent("old");
        assertThat(outcome.warnings()).containsExactly(src + "/top.txt: exists; kept (overwrite policy NEVER)");
        assertThat(restored(src.resolve("docs/a.txt"))).hasContent("alpha");
    }

    @Test
    void overwriteIfChangedSkipsFilesWithSameSizeAndMtime() throws IOException {
        new FilesRestoreTarget(config()).restore(root, repo);
        Path changed = restored(src.resolve("docs/a.txt"));
        Files.writeString(changed, "ALPHA-changed");
        repo.openContentCalls.set(0);

        var outcome = new FilesRestoreTarget(config().withOverwrite(OverwritePolicy.IF_CHANGED)).restore(root, repo);

        assertThat(repo.openContentCalls).hasValue(1);
        assertThat(changed).hasContent("alpha");
        assertThat(outcome.files()).isEqualTo(5);
        assertThat(outcome.bytesWritten()).isEqualTo(5);
    }

    @Test
    void existingDirectoryWhereAFileBelongsIsKeptWithAWarning() {
        Path dir = Disk.mkdirs(restored(src.resolve("top.txt")));
        Disk.write(dir.resolve("inside"), "precious");

        var outcome = new FilesRestoreTarget(config()).restore(root, repo);

        assertThat(dir.resolve("inside")).hasContent("precious");
        assertThat(outcome.warnings()).containsExactly(src + "/top.txt: exists as a directory; kept, the snapshot's entry was not restored");
    }

    @Test
    void symlinkInTheTargetIsReplacedNotFollowed() throws IOException {
        Path outside = Disk.mkdirs(tmp.resolve("outside"));
        Disk.mkdirs(restored(src));
        Files.createSymbolicLink(restored(src.resolve("docs")), outside);

        new FilesRestoreTarget(config()).restore(root, repo);

        assertThat(outside).isEmptyDirectory();
        assertThat(Files.isSymbolicLink(restored(src.resolve("docs")))).isFalse();
        assertThat(restored(src.resolve("docs/a.txt"))).hasContent("alpha");
    }

    @Test
    void symlinkInTheTargetIsKeptAndNotEnteredUnderOverwriteNever() throws IOException {
        Path outside = Disk.mkdirs(tmp.resolve("outside"));
        Disk.mkdirs(restored(src));
        Files.createSymbolicLink(restored(src.resolve("docs")), outside);

        var outcome = new FilesRestoreTarget(config().withOverwrite(OverwritePolicy.NEVER)).restore(root, repo);

        assertThat(outside).isEmptyDirectory();
        assertThat(outcome.warnings()).containsExactly(
                src + "/docs: exists and is not a directory; kept (overwrite policy NEVER), nothing below it restored");
    }

    @Test
    void emptyFileNeedsNoContent() throws IOException {
        var repo2 = new FakeRepository();
        Path empty = Disk.write(tmp.resolve("e/empty"), new byte[0]);
        BlobId root2 = new FilesSource(FilesSourceConfig.of(empty)).backup(repo2, Optional.empty()).root();

        new FilesRestoreTarget(config()).restore(root2, repo2);

        assertThat(restored(empty)).isEmptyFile();
        assertThat(repo2.openContentCalls).hasValue(0);
    }

    @Test
    void streamNodesAreRestoredAsFiles() throws IOException {
        var dump = repo.storeContent(new ByteArrayInputStream("pg dump".getBytes(StandardCharsets.UTF_8)));
        BlobId streams = repo.storeTree(new Tree(List.of(Node.stream("db.dump", dump.size(), T0, dump.blobs()))));

        var outcome = new FilesRestoreTarget(config()).restore(streams, repo);

        assertThat(target.resolve("db.dump")).hasContent("pg dump");
        assertThat(Disk.mode(target.resolve("db.dump"))).isEqualTo(0600);
        assertThat(Disk.mtime(target.resolve("db.dump"))).isEqualTo(T0);
        assertThat(outcome.files()).isEqualTo(1);
    }

    @Test
    void targetThatIsAFileIsRefused() {
        Disk.write(target, "not a dir");

        assertThatThrownBy(() -> new FilesRestoreTarget(config()).restore(root, repo))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
                .hasMessageContaining("exists and is not a directory");
    }

    @Test
    void progressReportsTheRestorePhase() {
        repo.progress.clear();

        var outcome = new FilesRestoreTarget(config()).restore(root, repo);

        assertThat(repo.progress).isNotEmpty().allMatch(p -> p.phase().equals("restore"));
        assertThat(repo.progress.getLast()).isEqualTo(new Progress("restore", 5, -1, outcome.bytesWritten(), -1, null));
        assertThat(outcome.bytesWritten()).isEqualTo("alphabravocharliedeltatop".length());
    }

    @Test
    void configRejectsRelativeTargetAndBadIncludes() {
        assertThatThrownBy(() -> FilesRestoreTargetConfig.of(Path.of("rel")))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE));
        for (String bad : List.of("docs", "/a//b", "/a/../b", "/a/./b")) {
            assertThatThrownBy(() -> config().withIncludes(List.of(bad)))
                    .as(bad)
                    .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
                    .hasMessageContaining("'" + bad + "'");
        }
        assertThat(config().withIncludes(List.of("/a/b/", "/a/b")).includes()).containsExactly("/a/b");
    }

    @Test
    void includeOfRootRestoresEverything() throws IOException {
        new FilesRestoreTarget(config().withIncludes(List.of("/"))).restore(root, repo);

        assertThat(filesBelow(restored(src))).hasSize(5);
    }

    /** A stream that returns {@code good} bytes of {@code in} and then fails with {@code failure}. */
    private static InputStream failingAfter(InputStream in, int good, Exception failure) {
        return new FilterInputStream(in) {
            int left = good;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left == 0) {
                    if (failure instanceof IOException io) {
                        throw io;
                    }
                    throw (RuntimeException) failure;
                }
                int n = super.read(b, off, Math.min(len, left));
                left -= Math.max(n, 0);
                return n;
            }
        };
    }
}
