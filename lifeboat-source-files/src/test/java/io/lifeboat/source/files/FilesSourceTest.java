package io.lifeboat.source.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.progress.Progress;
import io.lifeboat.core.source.BackupOutcome;
import io.lifeboat.core.source.ChunkingProfile;
import io.lifeboat.core.source.StoredContent;
import io.lifeboat.core.tree.Node;
import io.lifeboat.core.tree.NodeType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesSourceTest {
    private static final Instant T0 = Instant.ofEpochSecond(1_700_000_000L, 987_654_321);

    @TempDir
    Path tmp;

    private final FakeRepository repo = new FakeRepository();

    private BackupOutcome backup(FilesSourceConfig config, Optional<BlobId> parent) {
        return new FilesSource(config).backup(repo, parent);
    }

    private List<String> names(BlobId root, Path dir) {
        return repo.treeAt(root, dir).nodes().stream().map(Node::name).toList();
    }

    @Test
    void descriptorNamesKindSortedPathsAndPathsAsGiven() {
        Path b = Disk.mkdirs(tmp.resolve("b"));
        Path a = Disk.mkdirs(tmp.resolve("a"));
        var source = new FilesSource(FilesSourceConfig.of(b, a));

        assertThat(source.descriptor().kind()).isEqualTo("files");
        assertThat(source.descriptor().identity()).isEqualTo(a + "\n" + b);
        assertThat(source.descriptor().paths()).containsExactly(b.toString(), a.toString());
        assertThat(source.chunking()).isEqualTo(ChunkingProfile.FILES);
    }

    @Test
    void snapshotRootHoldsTheNamedPathsAsAHierarchyFromRoot() throws IOException {
        Path one = Disk.write(tmp.resolve("x/one/f1"), "1").getParent();
        Path two = Disk.write(tmp.resolve("x/y/two/f2"), "2").getParent();
        Disk.write(tmp.resolve("x/not-named"), "n");
        Disk.mode(tmp.resolve("x"), 0711);
        Disk.mtime(tmp.resolve("x"), T0);

        var outcome = backup(FilesSourceConfig.of(two, one), Optional.empty());

        assertThat(names(outcome.root(), Path.of("/"))).containsExactly(tmp.getName(0).toString());
        assertThat(names(outcome.root(), tmp.resolve("x"))).containsExactly("one", "y");
        assertThat(names(outcome.root(), tmp.resolve("x/y"))).containsExactly("two");
        assertThat(names(outcome.root(), two)).containsExactly("f2");
        Node x = repo.nodeAt(outcome.root(), tmp.resolve("x")).orElseThrow();
        assertThat(x.type()).isEqualTo(NodeType.DIRECTORY);
        assertThat(x.mode()).isEqualTo(0711);
        assertThat(x.mtime()).isEqualTo(T0);
        assertThat(x.inode()).isEqualTo(Files.getAttribute(tmp.resolve("x"), "unix:ino"));
        assertThat(outcome.files()).isEqualTo(2);
    }

    @Test
    void fileNodeCarriesLstatMetadata() throws IOException {
        Path file = Disk.write(tmp.resolve("src/f"), "hello");
        Disk.mode(file, 0640);
        Disk.mtime(file, T0);

        var outcome = backup(FilesSourceConfig.of(tmp.resolve("src")), Optional.empty());

        Node node = repo.nodeAt(outcome.root(), file).orElseThrow();
        assertThat(node.type()).isEqualTo(NodeType.FILE);
        assertThat(node.mode()).isEqualTo(0640);
        assertThat(node.mtime()).isEqualTo(T0);
        assertThat(node.size()).isEqualTo(5);
        assertThat(node.uid()).isEqualTo(((Integer) Files.getAttribute(file, "unix:uid")).longValue());
        assertThat(node.gid()).isEqualTo(((Integer) Files.getAttribute(file, "unix:gid")).longValue());
        assertThat(node.inode()).isEqualTo(Files.getAttribute(file, "unix:ino"));
        assertThat(node.device()).isEqualTo(Files.getAttribute(file, "unix:dev"));
        assertThat(repo.blobs.get(node.content().getFirst())).isEqualTo("hello".getBytes());
    }

    @Test
    void namedSymlinkIsStoredAsSymlinkNotFollowed() {
        Disk.write(tmp.resolve("real/secret"), "s");
        Path link = Disk.symlink(tmp.resolve("link"), tmp.resolve("real").toString());

        var outcome = backup(FilesSourceConfig.of(link), Optional.empty());

        Node node = repo.nodeAt(outcome.root(), link).orElseThrow();
        assertThat(node.type()).isEqualTo(NodeType.SYMLINK);
        assertThat(node.linkTarget()).isEqualTo(tmp.resolve("real").toString());
        assertThat(repo.storeContentCalls).hasValue(0);
    }

    @Test
    void unchangedTreeIsNotReadAgain() {
        Path src = tmp.resolve("src");
        for (int i = 0; i < 5; i++) {
            Disk.write(src.resolve("d" + i % 2 + "/f" + i), "content " + i);
        }
        Disk.write(src.resolve("empty"), new byte[0]);
        var first = backup(FilesSourceConfig.of(src), Optional.empty());
        repo.storeContentCalls.set(0);

        var second = backup(FilesSourceConfig.of(src), Optional.of(first.root()));

        assertThat(repo.storeContentCalls).hasValue(0);
        assertThat(second.unchangedFiles()).isEqualTo(6);
        assertThat(second.files()).isEqualTo(6);
        assertThat(second.bytesRead()).isZero();
        // Same metadata, same content: the named path's trees are identical (the root's may not be,
        // as other processes touch the directories above it, e.g. /tmp).
        assertThat(repo.nodeAt(second.root(), src)).isEqualTo(repo.nodeAt(first.root(), src));
    }

    @Test
    void touchingOneFileReadsOnlyThatFile() {
        Path src = tmp.resolve("src");
        for (int i = 0; i < 5; i++) {
            Disk.write(src.resolve("d" + i % 2 + "/f" + i), "content " + i);
        }
        var first = backup(FilesSourceConfig.of(src), Optional.empty());
        repo.storeContentCalls.set(0);
        Path touched = src.resolve("d1/f3");
        Disk.mtime(touched, Disk.mtime(touched).plusNanos(1));

        var second = backup(FilesSourceConfig.of(src), Optional.of(first.root()));

        assertThat(repo.storeContentCalls).hasValue(1);
        assertThat(second.unchangedFiles()).isEqualTo(4);
        assertThat(second.bytesRead()).isEqualTo("content 3".length());
        assertThat(repo.nodeAt(second.root(), touched).orElseThrow().mtime()).isEqualTo(Disk.mtime(touched));
    }

    /**
     * A directory whose entries all equal the parent snapshot's keeps the parent's tree id without
     * encoding it again; a changed file makes its directory and those above it new trees, and the
     * result is the same as without a parent.
     */
    @Test
    void unchangedDirectoriesReuseTheParentsTrees() {
        Path src = tmp.resolve("src");
        for (int i = 0; i < 6; i++) {
            Disk.write(src.resolve("d" + i % 2 + "/e/f" + i), "content " + i);
        }
        var first = backup(FilesSourceConfig.of(src), Optional.empty());
        repo.storedTrees.clear();

        var second = backup(FilesSourceConfig.of(src), Optional.of(first.root()));

        assertThat(storedNames()).as("trees encoded again").noneMatch(names -> names.contains("f0") || names.contains("e")
                || names.contains("d0"));
        assertThat(repo.nodeAt(second.root(), src)).isEqualTo(repo.nodeAt(first.root(), src));

        Path touched = src.resolve("d1/e/f3");
        Disk.mtime(touched, Disk.mtime(touched).plusNanos(1));
        repo.storedTrees.clear();
        var third = backup(FilesSourceConfig.of(src), Optional.of(second.root()));

        List<List<String>> stored = storedNames();
        assertThat(stored).contains(List.of("f1", "f3", "f5"), List.of("e"), List.of("d0", "d1"));
        assertThat(stored).doesNotContain(List.of("f0", "f2", "f4"));
        assertThat(stored.stream().filter(names -> names.equals(List.of("e")))).hasSize(1);
        var fresh = backup(FilesSourceConfig.of(src), Optional.empty());
        assertThat(repo.nodeAt(third.root(), src)).isEqualTo(repo.nodeAt(fresh.root(), src));
        assertThat(repo.nodeAt(third.root(), src.resolve("d0"))).isEqualTo(repo.nodeAt(first.root(), src.resolve("d0")));
    }

    private List<List<String>> storedNames() {
        synchronized (repo.storedTrees) {
            return repo.storedTrees.stream().map(t -> t.nodes().stream().map(Node::name).toList()).toList();
        }
    }

    @Test
    void replacedFileWithSameSizeAndMtimeIsReadAgainBecauseItsInodeChanged() throws IOException {
        Path file = Disk.write(tmp.resolve("src/f"), "aaaa");
        Disk.mtime(file, T0);
        var first = backup(FilesSourceConfig.of(tmp.resolve("src")), Optional.empty());
        Path replacement = Disk.write(tmp.resolve("other"), "bbbb");
        Disk.mtime(replacement, T0);
        Files.move(replacement, file, StandardCopyOption.REPLACE_EXISTING);
        repo.storeContentCalls.set(0);

        var second = backup(FilesSourceConfig.of(tmp.resolve("src")), Optional.of(first.root()));

        assertThat(repo.storeContentCalls).hasValue(1);
        Node node = repo.nodeAt(second.root(), file).orElseThrow();
        assertThat(repo.blobs.get(node.content().getFirst())).isEqualTo("bbbb".getBytes());
    }

    @Test
    void parentContentMissingFromTheRepositoryIsReadAgain() {
        Path file = Disk.write(tmp.resolve("src/f"), "gone from repo");
        var first = backup(FilesSourceConfig.of(tmp.resolve("src")), Optional.empty());
        repo.blobs.clear();
        repo.storeContentCalls.set(0);

        var second = backup(FilesSourceConfig.of(tmp.resolve("src")), Optional.of(first.root()));

        assertThat(repo.storeContentCalls).hasValue(1);
        assertThat(second.unchangedFiles()).isZero();
        assertThat(repo.blobs).hasSize(1);
        assertThat(repo.nodeAt(second.root(), file)).isPresent();
    }

    @Test
    void unreadableParentTreeIsAWarningAndTheFilesAreReadAgain() {
        Path src = tmp.resolve("src");
        Disk.write(src.resolve("sub/f"), "f");
        var first = backup(FilesSourceConfig.of(src), Optional.empty());
        BlobId subTree = repo.nodeAt(first.root(), src.resolve("sub")).orElseThrow().subtree();
        repo.trees.remove(subTree);
        repo.storeContentCalls.set(0);

        var second = backup(FilesSourceConfig.of(src), Optional.of(first.root()));

        assertThat(repo.storeContentCalls).hasValue(1);
        assertThat(second.warnings()).singleElement().asString()
                .startsWith(src.resolve("sub") + ": tree " + subTree.shortHex() + " of the parent snapshot cannot be loaded");
    }

    @Test
    void excludesMatchNamesDirectoriesAbsolutePathsAndAnyDepth() {
        Path src = tmp.resolve("src");
        Disk.write(src.resolve("keep.txt"), "k");
        Disk.write(src.resolve("drop.tmp"), "d");
        Disk.write(src.resolve("deep/er/drop.tmp"), "d");
        Disk.write(src.resolve("cache/in-cache-dir"), "c");
        Disk.write(src.resolve("deep/cache"), "a file named cache stays");
        Disk.write(src.resolve("app/node_modules/lib/x.js"), "x");
        Disk.write(src.resolve("node_modules/top.js"), "x");
        Disk.write(src.resolve("logs/today.log"), "l");
        Disk.write(src.resolve("other/logs/kept.log"), "l");
        Disk.write(src.resolve("build/classes/A.class"), "a");
        Disk.write(src.resolve("build/kept"), "k");
        var config = FilesSourceConfig.of(src)
                .withExcludes(List.of("*.tmp", "cache/", "**/node_modules", src + "/logs", "build/classes"));

        var outcome = backup(config, Optional.empty());

        assertThat(names(outcome.root(), src)).containsExactly("app", "build", "deep", "keep.txt", "other");
        assertThat(names(outcome.root(), src.resolve("deep"))).containsExactly("cache", "er");
        assertThat(names(outcome.root(), src.resolve("deep/er"))).isEmpty();
        assertThat(names(outcome.root(), src.resolve("app"))).isEmpty();
        assertThat(names(outcome.root(), src.resolve("other/logs"))).containsExactly("kept.log");
        assertThat(names(outcome.root(), src.resolve("build"))).containsExactly("kept");
        assertThat(outcome.metadata()).containsEntry("excluded", 7L);
        assertThat(outcome.warnings()).isEmpty();
    }

    @Test
    void namedPathIsBackedUpEvenIfAnExcludeMatchesIt() {
        Path named = Disk.write(tmp.resolve("src.tmp/f"), "f").getParent();

        var outcome = backup(FilesSourceConfig.of(named).withExcludes(List.of("*.tmp")), Optional.empty());

        assertThat(names(outcome.root(), named)).containsExactly("f");
    }

    @Test
    void socketsAndFifosAreSkippedWithAWarning() throws Exception {
        Path src = Disk.mkdirs(tmp.resolve("src"));
        Disk.write(src.resolve("regular"), "r");
        Path socket = src.resolve("sock");
        try (var server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Path fifo = src.resolve("fifo");
            boolean haveFifo = mkfifo(fifo);

            var outcome = backup(FilesSourceConfig.of(src), Optional.empty());

            assertThat(names(outcome.root(), src)).containsExactly("regular");
            assertThat(outcome.warnings()).contains(socket + ": is a socket; skipped (only files, directories and symlinks are backed up)");
            if (haveFifo) {
                assertThat(outcome.warnings()).contains(fifo + ": is a fifo; skipped (only files, directories and symlinks are backed up)");
            }
        }
    }

    @Test
    void unreadableFileIsSkippedWithAWarningAndTheBackupGoesOn() {
        assumeFalse(Disk.runningAsRoot(), "root reads files whatever their mode");
        Path src = tmp.resolve("src");
        Disk.write(src.resolve("a-readable"), "r");
        Path locked = Disk.write(src.resolve("b-locked"), "secret");
        Disk.write(src.resolve("c-readable"), "r");
        Disk.mode(locked, 0);

        var outcome = backup(FilesSourceConfig.of(src), Optional.empty());

        assertThat(outcome.warnings()).containsExactly(locked + ": cannot read (permission denied); skipped");
        assertThat(names(outcome.root(), src)).containsExactly("a-readable", "c-readable");
        assertThat(outcome.files()).isEqualTo(2);
    }

    @Test
    void unreadableDirectoryIsRecordedEmptyWithAWarning() {
        assumeFalse(Disk.runningAsRoot(), "root lists directories whatever their mode");
        Path src = tmp.resolve("src");
        Path locked = Disk.write(src.resolve("locked/f"), "f").getParent();
        Disk.mode(locked, 0);
        try {
            var outcome = backup(FilesSourceConfig.of(src), Optional.empty());

            assertThat(outcome.warnings()).containsExactly(locked + ": cannot list directory (permission denied); recorded as empty");
            assertThat(names(outcome.root(), locked)).isEmpty();
            assertThat(repo.nodeAt(outcome.root(), locked).orElseThrow().mode()).isZero();
        } finally {
            Disk.mode(locked, 0700);
        }
    }

    @Test
    void fileGrowingWhileReadIsStoredAsReadWithAWarning() throws IOException {
        Path file = Disk.write(tmp.resolve("src/growing"), "before");
        repo.midStream = () -> {
            try {
                Files.writeString(file, "+appended", StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };

        var outcome = backup(FilesSourceConfig.of(tmp.resolve("src")), Optional.empty());

        assertThat(outcome.warnings()).singleElement().asString()
                .startsWith(file + ": changed while being read; stored the 15 bytes read");
        Node node = repo.nodeAt(outcome.root(), file).orElseThrow();
        assertThat(node.size()).isEqualTo(15);
        assertThat(repo.blobs.get(node.content().getFirst())).isEqualTo("before+appended".getBytes());
    }

    @Test
    void failingSinkStopsTheBackup() {
        Disk.write(tmp.resolve("src/f"), "f");
        var failing = new FakeRepository() {
            @Override
            public StoredContent storeContent(InputStream in) throws IOException {
                in.read();
                throw new IOException("pack upload failed");
            }
        };

        assertThatThrownBy(() -> new FilesSource(FilesSourceConfig.of(tmp.resolve("src"))).backup(failing, Optional.empty()))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_IO))
                .hasMessageContaining(tmp.resolve("src/f").toString())
                .hasRootCauseMessage("pack upload failed");
    }

    @Test
    void progressReportsFilesAndBytesOfTheBackupPhase() {
        Path src = tmp.resolve("src");
        Disk.write(src.resolve("a"), "12345");
        Disk.write(src.resolve("b"), "678");
        // A clock that jumps a second per call lets every sample through.
        var ticking = new Clock() {
            long millis;

            @Override
            public long millis() {
                return millis += 1000;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(millis());
            }

            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };

        var outcome = new FilesSource(FilesSourceConfig.of(src), ticking).backup(repo, Optional.empty());

        assertThat(repo.progress).allMatch(p -> p.phase().equals("backup"));
        assertThat(repo.progress.getLast()).isEqualTo(new Progress("backup", 2, -1, 8, -1, null));
        assertThat(repo.progress).extracting(Progress::current).contains(src.resolve("a").toString(), src.resolve("b").toString());
        assertThat(outcome.bytesRead()).isEqualTo(8);
    }

    @Test
    void progressIsThrottledWhenTheClockStandsStill() {
        Path src = tmp.resolve("src");
        for (int i = 0; i < 50; i++) {
            Disk.write(src.resolve("f" + i), "x");
        }
        Clock frozen = Clock.fixed(T0, ZoneOffset.UTC);

        new FilesSource(FilesSourceConfig.of(src), frozen).backup(repo, Optional.empty());

        // The first sample, then the final one.
        assertThat(repo.progress).hasSize(2);
        assertThat(repo.progress.getLast().itemsDone()).isEqualTo(50);
    }

    @Test
    void oneFileSystemRecordsOtherFileSystemsAsEmptyMountPoints() throws IOException {
        Path dev = Path.of("/dev");
        Path shm = dev.resolve("shm");
        assumeTrue(Files.isDirectory(shm) && !Files.getAttribute(dev, "unix:dev").equals(Files.getAttribute(shm, "unix:dev")),
                "needs /dev/shm mounted on its own file system");

        var outcome = backup(FilesSourceConfig.of(dev).withOneFileSystem(true), Optional.empty());

        Node node = repo.nodeAt(outcome.root(), shm).orElseThrow();
        assertThat(node.type()).isEqualTo(NodeType.DIRECTORY);
        assertThat(repo.loadTree(node.subtree()).nodes()).isEmpty();
    }

    @Test
    void nameThatIsNotValidUtf8IsSkippedWithAWarning() throws Exception {
        Path src = Disk.mkdirs(tmp.resolve("src"));
        Disk.write(src.resolve("fine"), "f");
        // Java cannot spell the byte 0xff in a UTF-8 file name, the shell can.
        Process touch = new ProcessBuilder("sh", "-c", "printf x > \"$(printf 'bad-\\377')\"").directory(src.toFile()).start();
        assumeTrue(touch.waitFor() == 0, "needs sh and printf");

        var outcome = backup(FilesSourceConfig.of(src), Optional.empty());

        assertThat(names(outcome.root(), src)).containsExactly("fine");
        assertThat(outcome.warnings()).singleElement().asString()
                .startsWith(src + "/bad-\uFFFD: name does not decode in the file name encoding");
    }

    @Test
    void interruptedBackupStopsWithInterrupted() {
        Disk.write(tmp.resolve("src/f"), "f");
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> backup(FilesSourceConfig.of(tmp.resolve("src")), Optional.empty()))
                    .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERRUPTED));
        } finally {
            Thread.interrupted();
        }
    }

    private static boolean mkfifo(Path fifo) {
        try {
            return new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
