package io.lifeboat.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectInfo;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.core.storage.Storage;
import io.lifeboat.testkit.storage.StorageContractTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStorageTest extends StorageContractTest {
    @TempDir
    Path temp;

    private Path root;

    @Override
    protected Storage newStorage() {
        root = temp.resolve("repo");
        return new LocalStorage(LocalStorageConfig.of(root));
    }

    private LocalStorage local() {
        return (LocalStorage) storage();
    }

    /**
     * Objects from 1 MiB go around the page cache in aligned pieces, the last partial block
     * buffered: every length around the 4 KiB blocks and the 4 MiB buffer reads back exactly.
     */
    @Test
    void largeObjectsWrittenDirectReadBackExactlyAtEveryAlignment() throws IOException {
        int mib = 1024 * 1024;
        for (int size : new int[] {mib - 1, mib, mib + 1, mib + 4095, mib + 4096, 4 * mib + 4097, 9 * mib + 123}) {
            Handle pack = dataHandle(size);
            byte[] content = content(size, size);
            storage().put(pack, content);
            assertThat(storage().get(pack)).as("%d bytes", size).isEqualTo(content);
            assertThat(Files.size(root.resolve(pack.path()))).isEqualTo(size);
        }
        assertThat(local().writesDirect()).as("ext4 takes O_DIRECT").isTrue();
        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith(LocalStorage.TEMPORARY_PREFIX)))
                    .as("no temporaries left").isEmpty();
        }
    }

    /**
     * tmpfs took no O_DIRECT before Linux 6.6 (the storage then writes buffered from its first
     * large object on); either way large objects on it read back exactly.
     */
    @Test
    void largeObjectsOnTmpfsReadBackExactly() throws IOException {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "no tmpfs at /dev/shm");
        Path dir = Files.createTempDirectory(shm, "lifeboat-direct-");
        try (LocalStorage onTmpfs = new LocalStorage(LocalStorageConfig.of(dir.resolve("repo")))) {
            for (int size : new int[] {3 * 1024 * 1024 + 5, 2 * 1024 * 1024}) {
                Handle pack = dataHandle(size);
                onTmpfs.put(pack, content(size, 7));
                assertThat(onTmpfs.get(pack)).isEqualTo(content(size, 7));
                assertThat(onTmpfs.list(ObjectKind.DATA)).extracting(ObjectInfo::handle).contains(pack);
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void locationIsTheAbsoluteRootPath() {
        assertThat(storage().location()).isEqualTo(root.toAbsolutePath().toString());
    }

    @Test
    void objectsLiveAtTheirHandlePathUnderTheRoot() throws IOException {
        Handle pack = dataHandle(1);
        Handle segment = Handle.of(ObjectKind.WAL, "7301/00000001/000000010000000000000001");
        storage().put(pack, content(10, 1));
        storage().put(segment, content(20, 2));
        storage().put(Handle.CONFIG, content(30, 3));

        assertThat(Files.readAllBytes(root.resolve("data/" + pack.name().substring(0, 2) + "/" + pack.name())))
                .isEqualTo(content(10, 1));
        assertThat(root.resolve("wal/7301/00000001/000000010000000000000001")).hasBinaryContent(content(20, 2));
        assertThat(root.resolve("config")).hasBinaryContent(content(30, 3));
    }

    @Test
    void filesAreReadableByTheOwnerOnly() throws IOException {
        assumeTrue(root.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Handle pack = dataHandle(2);
        Handle lock = Handle.of(ObjectKind.LOCK, "l1");
        Handle segment = Handle.of(ObjectKind.WAL, "7301/00000001/000000010000000000000001");
        storage().put(pack, content(10, 1));
        assertThat(storage().create(lock, content(10, 2))).isTrue();
        storage().put(segment, content(10, 3));
        storage().put(Handle.CONFIG, content(10, 4));

        for (Handle handle : List.of(pack, lock, segment, Handle.CONFIG)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve(handle.path()))))
                    .as(handle.path()).isEqualTo("rw-------");
        }
        for (String folder : List.of("", "data", "data/" + pack.name().substring(0, 2), "locks", "wal", "wal/7301",
                "wal/7301/00000001")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve(folder))))
                    .as("folder '%s'", folder).isEqualTo("rwx------");
        }
    }

    @Test
    void writesLeaveNoTemporaryFiles() throws IOException {
        Handle index = Handle.of(ObjectKind.INDEX, "i1");
        storage().put(index, content(1000, 1));
        storage().put(index, content(2000, 2));
        Handle lock = Handle.of(ObjectKind.LOCK, "l1");
        assertThat(storage().create(lock, content(10, 3))).isTrue();
        assertThat(storage().create(lock, content(10, 4))).isFalse();
        Handle pack = dataHandle(5);
        storage().put(pack, content(100, 5));
        Handle segment = Handle.of(ObjectKind.WAL, "s/t/seg");
        storage().put(segment, content(100, 6));

        assertThat(filesUnder(root)).containsExactlyInAnyOrder(
                root.resolve(index.path()), root.resolve(lock.path()), root.resolve(pack.path()), root.resolve(segment.path()));
    }

    @Test
    void temporaryFilesLeftByACrashAreNeverListedNorRead() throws IOException {
        Handle pack = dataHandle(3);
        Handle key = Handle.of(ObjectKind.KEY, "k1");
        Handle segment = Handle.of(ObjectKind.WAL, "7301/00000001/000000010000000000000001");
        storage().put(pack, content(10, 1));
        storage().put(key, content(10, 2));
        storage().put(segment, content(10, 3));
        for (String leftover : List.of(".tmp-0001", "keys/.tmp-0002", "data/.tmp-0003",
                "data/" + pack.name().substring(0, 2) + "/.tmp-0004", "wal/7301/00000001/.tmp-0005", "wal/.tmp-0006")) {
            Files.write(root.resolve(leftover), content(5, 9));
        }

        assertThat(storage().list(ObjectKind.DATA)).extracting(ObjectInfo::handle).containsExactly(pack);
        assertThat(storage().list(ObjectKind.KEY)).extracting(ObjectInfo::handle).containsExactly(key);
        assertThat(storage().list(ObjectKind.WAL)).extracting(ObjectInfo::handle).containsExactly(segment);
        assertThat(storage().list(ObjectKind.CONFIG)).isEmpty();
    }

    @Test
    void filesThatAreNoObjectsOfTheirFolderAreNotListed() throws IOException {
        Handle pack = Handle.of(ObjectKind.DATA, "ab" + "0".repeat(62));
        storage().put(pack, content(10, 1));
        Files.write(root.resolve("data/ab/cd" + "0".repeat(62)), content(5, 2)); // wrong fan-out folder
        Files.write(root.resolve("data/stray"), content(5, 3)); // not in a fan-out folder
        Files.createDirectories(root.resolve("keys/folder"));
        Files.write(root.resolve("keys/folder/k"), content(5, 4)); // keys are not nested
        Files.write(root.resolve("keys/has space"), content(5, 5)); // not a valid name

        assertThat(storage().list(ObjectKind.DATA)).extracting(ObjectInfo::handle).containsExactly(pack);
        assertThat(storage().list(ObjectKind.KEY)).isEmpty();
    }

    @Test
    void removeStaleTemporaryFilesRemovesOnlyOldTemporaries() throws IOException {
        Instant now = Instant.parse("2030-01-02T00:00:00Z");
        LocalStorage storage = new LocalStorage(LocalStorageConfig.of(root), Clock.fixed(now, ZoneOffset.UTC),
                LocalStorage.CreateMethod.HARD_LINK);
        Handle pack = dataHandle(4);
        storage.put(pack, content(10, 1));
        storage.put(Handle.of(ObjectKind.WAL, "s/t/seg"), content(10, 2));
        Path oldData = write(root.resolve("data/" + pack.name().substring(0, 2) + "/.tmp-old"), now.minus(Duration.ofHours(25)));
        Path oldWal = write(root.resolve("wal/s/t/.tmp-old"), now.minus(Duration.ofDays(30)));
        Path young = write(root.resolve("keys/.tmp-young"), now.minus(Duration.ofHours(23)));
        Path oldButNoTemporary = root.resolve(pack.path());
        Files.setLastModifiedTime(oldButNoTemporary, FileTime.from(now.minus(Duration.ofDays(400))));

        assertThat(storage.removeStaleTemporaryFiles(Duration.ofDays(1))).isEqualTo(2);

        assertThat(oldData).doesNotExist();
        assertThat(oldWal).doesNotExist();
        assertThat(young).exists();
        assertThat(oldButNoTemporary).exists();
        assertThat(storage.removeStaleTemporaryFiles(Duration.ofDays(1))).isZero();
    }

    @Test
    void aNameWhereAFolderIsIsNoObject() {
        Handle nested = Handle.of(ObjectKind.WAL, "a/b");
        Handle folder = Handle.of(ObjectKind.WAL, "a");
        storage().put(nested, content(10, 1));

        assertThat(storage().stat(folder)).isEmpty();
        assertThatThrownBy(() -> storage().get(folder))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThatThrownBy(() -> storage().getRange(folder, 0, 1))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        storage().delete(folder);
        assertThat(storage().get(nested)).isEqualTo(content(10, 1));
    }

    @Test
    void writingANameWhereAFolderIsFailsWithoutRetry() throws IOException {
        storage().put(Handle.of(ObjectKind.WAL, "a/b"), content(10, 1));

        assertThatThrownBy(() -> storage().put(Handle.of(ObjectKind.WAL, "a"), content(10, 2)))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_IO);
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.hint()).contains("in the way");
                })
                .hasMessageContaining("wal/a");
        assertThat(filesUnder(root)).noneMatch(p -> p.getFileName().toString().startsWith(LocalStorage.TEMPORARY_PREFIX));
    }

    @Test
    void objectsWrittenByOneInstanceAreSeenByAnother() {
        Handle snapshot = Handle.of(ObjectKind.SNAPSHOT, "s1");
        storage().put(snapshot, content(100, 1));

        LocalStorage other = new LocalStorage(LocalStorageConfig.of(root));
        assertThat(other.get(snapshot)).isEqualTo(content(100, 1));
        assertThat(other.create(snapshot, content(100, 2))).isFalse();
    }

    @Test
    void storageWithoutFsyncKeepsTheSameContract() {
        LocalStorage unsynced = new LocalStorage(LocalStorageConfig.of(root).withFsync(false));
        Handle lock = Handle.of(ObjectKind.LOCK, "l");

        assertThat(unsynced.create(lock, content(10, 1))).isTrue();
        assertThat(unsynced.create(lock, content(10, 2))).isFalse();
        unsynced.put(dataHandle(1), content(10, 3));
        assertThat(unsynced.get(lock)).isEqualTo(content(10, 1));
        assertThat(unsynced.list(ObjectKind.DATA)).hasSize(1);
    }

    @Test
    void rootThatIsAFileIsAUsageError() throws IOException {
        Path file = Files.writeString(temp.resolve("file"), "x");

        assertThatThrownBy(() -> new LocalStorage(LocalStorageConfig.of(file)))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                    assertThat(e.hint()).isNotBlank();
                })
                .hasMessageContaining(file.toString());
    }

    @Test
    void missingRootIsAnEmptyStorageUntilTheFirstWrite() {
        assertThat(root).doesNotExist();
        assertThat(storage().list(ObjectKind.SNAPSHOT)).isEmpty();
        assertThat(storage().stat(Handle.CONFIG)).isEmpty();
        assertThat(root).doesNotExist();

        storage().put(Handle.CONFIG, content(10, 1));
        assertThat(root).isDirectory();
    }

    @Test
    void unwritableFolderIsAPermissionErrorThatIsNotRetried() throws IOException {
        assumeTrue(root.getFileSystem().supportedFileAttributeViews().contains("posix"));
        storage().put(Handle.of(ObjectKind.INDEX, "first"), content(10, 1));
        Files.setPosixFilePermissions(root.resolve("index"), PosixFilePermissions.fromString("r-x------"));
        try {
            assumeTrue(!Files.isWritable(root.resolve("index")), "running as root: permissions are not enforced");
            assertThatThrownBy(() -> storage().put(Handle.of(ObjectKind.INDEX, "second"), content(10, 2)))
                    .isInstanceOfSatisfying(LifeboatException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_IO);
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.hint()).contains("owned and writable");
                    })
                    .hasMessageContaining("index/second");
        } finally {
            Files.setPosixFilePermissions(root.resolve("index"), PosixFilePermissions.fromString("rwx------"));
        }
    }

    private static Path write(Path file, Instant modified) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[] {1});
        Files.setLastModifiedTime(file, FileTime.from(modified));
        return file;
    }

    private static List<Path> filesUnder(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
