package io.lifeboat.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectInfo;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.core.storage.Storage;
import io.lifeboat.engine.backup.Backup;
import io.lifeboat.engine.backup.BackupOptions;
import io.lifeboat.engine.backup.BackupResult;
import io.lifeboat.engine.check.Check;
import io.lifeboat.engine.check.CheckOptions;
import io.lifeboat.engine.check.CheckResult;
import io.lifeboat.engine.listing.Listing;
import io.lifeboat.engine.restore.Restore;
import io.lifeboat.repository.ClientContext;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.crypto.KdfParams;
import io.lifeboat.source.files.FilesRestoreTarget;
import io.lifeboat.source.files.FilesRestoreTargetConfig;
import io.lifeboat.source.files.FilesSource;
import io.lifeboat.source.files.FilesSourceConfig;
import io.lifeboat.testkit.storage.FaultInjectingStorage;
import io.lifeboat.testkit.storage.FaultInjectingStorage.Fault;
import io.lifeboat.testkit.storage.FaultInjectingStorage.Operation;
import io.lifeboat.testkit.storage.InMemoryStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backup → restore → check through the use cases, with the real files source. */
class EngineRoundTripTest {
    private static final char[] PASSWORD = "pw".toCharArray();
    private final ClientContext client = ClientContext.system();

    @TempDir
    Path tmp;

    private Path tree() throws IOException {
        Path src = tmp.resolve("src");
        Files.createDirectories(src.resolve("a/b"));
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 20; i++) {
            byte[] b = new byte[r.nextInt(300_000)];
            r.nextBytes(b);
            Files.write(src.resolve((i % 2 == 0 ? "a/" : "a/b/") + "f" + i), b);
        }
        Files.writeString(src.resolve("note.txt"), "hello\n");
        Files.createSymbolicLink(src.resolve("link"), Path.of("a/f0"));
        return src;
    }

    private Repository init(Storage storage) {
        return Repository.init(storage, PASSWORD, KdfParams.FAST, 1024 * 1024, client);
    }

    private BackupResult backup(Repository repo, Path src) {
        return new Backup(repo, "test").run(new FilesSource(FilesSourceConfig.of(src)), BackupOptions.DEFAULT,
                ProgressListener.NONE);
    }

    private static void assertSameFiles(Path a, Path b) throws IOException {
        try (var walk = Files.walk(a)) {
            for (Path p : walk.toList()) {
                Path q = b.resolve(a.relativize(p).toString());
                if (Files.isSymbolicLink(p)) {
                    assertThat(Files.readSymbolicLink(q)).isEqualTo(Files.readSymbolicLink(p));
                } else if (Files.isRegularFile(p)) {
                    assertThat(Files.readAllBytes(q)).as(q.toString()).isEqualTo(Files.readAllBytes(p));
                    assertThat(Files.getLastModifiedTime(q)).isEqualTo(Files.getLastModifiedTime(p));
                }
            }
        }
    }

    @Test
    void restoredTreeEqualsSourceAndSecondBackupReadsNothing() throws IOException {
        Path src = tree();
        try (Repository repo = init(new InMemoryStorage())) {
            BackupResult first = backup(repo, src);
            BackupResult second = backup(repo, src);
            assertThat(second.snapshot().parent()).isEqualTo(first.snapshot().id());
            assertThat(second.snapshot().stats().unchangedFiles()).isEqualTo(21);
            assertThat(second.snapshot().stats().bytesRead()).isZero();
            assertThat(second.snapshot().stats().blobsAdded()).isZero();
            Path target = tmp.resolve("restore");
            new Restore(repo).run(first.snapshot().id().shortHex(), Optional.empty(),
                    new FilesRestoreTarget(FilesRestoreTargetConfig.of(target)), ProgressListener.NONE);
            assertSameFiles(src, target.resolve(src.getRoot().relativize(src).toString()));
            List<Listing.Entry> ls = new Listing(repo).list("latest", src + "/a", true);
            assertThat(ls).extracting(Listing.Entry::path).contains(src + "/a/b/f1", src + "/a/f0");
            CheckResult check = new Check(repo, new Random(1)).run(CheckOptions.ALL_DATA, ProgressListener.NONE);
            assertThat(check.problems()).isEmpty();
            assertThat(check.packsRead()).isEqualTo(check.packs()).isGreaterThan(1);
        }
    }

    @Test
    void checkNamesTheDamagedPackAndTheSnapshotsUsingIt() throws IOException {
        Path src = tree();
        InMemoryStorage storage = new InMemoryStorage();
        try (Repository repo = init(storage)) {
            String sid = backup(repo, src).snapshot().id().hex();
            ObjectInfo pack = storage.list(ObjectKind.DATA).stream()
                    .max(java.util.Comparator.comparingLong(ObjectInfo::size)).orElseThrow();
            byte[] bytes = storage.get(pack.handle());
            bytes[bytes.length / 3] ^= 0x40;
            storage.put(pack.handle(), bytes);
            CheckResult structure = new Check(repo, new Random(1)).run(CheckOptions.STRUCTURE, ProgressListener.NONE);
            assertThat(structure.problems()).isEmpty();
            CheckResult data = new Check(repo, new Random(1)).run(CheckOptions.ALL_DATA, ProgressListener.NONE);
            assertThat(data.problems()).isNotEmpty().allSatisfy(p -> {
                assertThat(p.object()).isEqualTo(pack.handle().path());
                assertThat(p.affectedSnapshots()).containsExactly(sid);
            });
        }
    }

    @Test
    void checkReportsAMissingPackAsAProblem() throws IOException {
        InMemoryStorage storage = new InMemoryStorage();
        try (Repository repo = init(storage)) {
            backup(repo, tree());
            Handle victim = storage.list(ObjectKind.DATA).get(0).handle();
            storage.delete(victim);
            CheckResult r = new Check(repo, new Random(1)).run(CheckOptions.STRUCTURE, ProgressListener.NONE);
            assertThat(r.problems()).anySatisfy(p -> {
                assertThat(p.object()).isEqualTo(victim.path());
                assertThat(p.message()).contains("missing");
            });
        }
    }

    @Test
    void failedUploadLeavesNoSnapshotAndACleanCheck() throws IOException {
        Path src = tree();
        FaultInjectingStorage storage = new FaultInjectingStorage(new InMemoryStorage(), 3);
        try (Repository repo = init(storage)) {
            backup(repo, src);
            int snapshotsBefore = repo.snapshots().size();
            Files.write(src.resolve("new-file"), new byte[3_000_000]);
            storage.failNext(Operation.PUT, 1, new Fault.Failure(ErrorCode.STORAGE_IO, false, false));
            assertThatThrownBy(() -> backup(repo, src))
                    .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_IO));
            storage.clearFaults();
            assertThat(repo.snapshots()).hasSize(snapshotsBefore);
            assertThat(storage.list(ObjectKind.LOCK)).isEmpty();
            CheckResult r = new Check(repo, new Random(1)).run(CheckOptions.ALL_DATA, ProgressListener.NONE);
            assertThat(r.problems()).isEmpty();
            BackupResult after = backup(repo, src);
            assertThat(after.snapshot().stats().files()).isEqualTo(22);
        }
    }

    @Test
    void partialReadDataChecksAShareOfThePacks() throws IOException {
        try (Repository repo = init(new InMemoryStorage())) {
            backup(repo, tree());
            CheckResult r = new Check(repo, new Random(1)).run(new CheckOptions(true, 50), ProgressListener.NONE);
            assertThat(r.packsRead()).isEqualTo((int) Math.ceil(r.packs() * 0.5));
        }
    }
}
