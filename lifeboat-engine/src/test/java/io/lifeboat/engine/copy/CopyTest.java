package io.lifeboat.engine.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.SnapshotId;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.storage.ObjectInfo;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.engine.backup.Backup;
import io.lifeboat.engine.backup.BackupOptions;
import io.lifeboat.engine.check.Check;
import io.lifeboat.engine.check.CheckOptions;
import io.lifeboat.engine.check.CheckResult;
import io.lifeboat.engine.restore.Restore;
import io.lifeboat.repository.ClientContext;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.crypto.KdfParams;
import io.lifeboat.repository.snapshot.Snapshot;
import io.lifeboat.source.files.FilesRestoreTarget;
import io.lifeboat.source.files.FilesRestoreTargetConfig;
import io.lifeboat.source.files.FilesSource;
import io.lifeboat.source.files.FilesSourceConfig;
import io.lifeboat.testkit.storage.FaultInjectingStorage;
import io.lifeboat.testkit.storage.FaultInjectingStorage.Operation;
import io.lifeboat.testkit.storage.InMemoryStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CopyTest {
    private static final char[] SOURCE_PASSWORD = "source pw".toCharArray();
    private static final char[] TARGET_PASSWORD = "target pw".toCharArray();
    private final ClientContext client = ClientContext.system();

    @TempDir
    Path tmp;

    private Path src;
    private Repository source;
    private FaultInjectingStorage targetStorage;

    @BeforeEach
    void twoBackups() throws IOException {
        src = tmp.resolve("src");
        Files.createDirectories(src.resolve("a"));
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 12; i++) {
            write(src.resolve("a/f" + i), 200_000 + r.nextInt(200_000), r);
        }
        source = Repository.init(new InMemoryStorage(), SOURCE_PASSWORD, KdfParams.FAST, 1024 * 1024, client);
        backup(source);
        write(src.resolve("a/added"), 300_000, r);
        backup(source);
        targetStorage = new FaultInjectingStorage(new InMemoryStorage(), 1);
    }

    private static void write(Path file, int size, SplittableRandom r) throws IOException {
        byte[] b = new byte[size];
        r.nextBytes(b);
        Files.write(file, b);
    }

    private void backup(Repository repo) {
        new Backup(repo, "test").run(new FilesSource(FilesSourceConfig.of(src)), BackupOptions.DEFAULT,
                ProgressListener.NONE);
    }

    private Repository newTarget() {
        return Repository.initCopyTarget(source, targetStorage, TARGET_PASSWORD, KdfParams.FAST, client);
    }

    private static List<SnapshotId> ids(Repository repo) {
        return repo.snapshots().stream().map(Snapshot::id).toList();
    }

    @Test
    void copyContainsEverySnapshotUnderItsIdAndRestoresIt() throws IOException {
        try (Repository target = newTarget()) {
            CopyResult r = new Copy(source, target).run(List.of(), ProgressListener.NONE);

            assertThat(r.copied()).containsExactlyElementsOf(ids(source));
            assertThat(r.present()).isEmpty();
            assertThat(ids(target)).containsExactlyElementsOf(ids(source));
            assertThat(r.blobsCopied()).isEqualTo(source.index().size());
            assertThat(target.index().size()).isEqualTo(source.index().size());

            Path restored = tmp.resolve("restored");
            new Restore(target).run("latest", Optional.empty(),
                    new FilesRestoreTarget(FilesRestoreTargetConfig.of(restored)), ProgressListener.NONE);
            assertSameTree(src, restored.resolve(src.getRoot().relativize(src).toString()));

            CheckResult check = new Check(target, new Random(1)).run(CheckOptions.ALL_DATA, ProgressListener.NONE);
            assertThat(check.ok()).as("check on the copy: %s", check.problems()).isTrue();
            assertThat(check.snapshots()).isEqualTo(2);
        }
    }

    @Test
    void copyingAgainTransfersNothing() {
        try (Repository target = newTarget()) {
            new Copy(source, target).run(List.of(), ProgressListener.NONE);
            int putsBefore = targetStorage.calls(Operation.PUT);
            int createsBefore = targetStorage.calls(Operation.CREATE);

            CopyResult again = new Copy(source, target).run(List.of(), ProgressListener.NONE);

            assertThat(again.copied()).isEmpty();
            assertThat(again.present()).containsExactlyElementsOf(ids(source));
            assertThat(again.blobsCopied()).isZero();
            assertThat(again.packsWritten()).isZero();
            assertThat(targetStorage.calls(Operation.PUT) - putsBefore).as("no object written but the lock").isEqualTo(1);
            assertThat(targetStorage.calls(Operation.CREATE)).isEqualTo(createsBefore);
        }
    }

    @Test
    void laterCopiesMoveOnlyNewSnapshotsAndTheDataTheyAdd() throws IOException {
        Snapshot first = source.snapshots().get(0);
        try (Repository target = newTarget()) {
            CopyResult one = new Copy(source, target).run(List.of(first), ProgressListener.NONE);
            assertThat(one.copied()).containsExactly(first.id());

            CopyResult rest = new Copy(source, target).run(List.of(), ProgressListener.NONE);
            assertThat(rest.copied()).containsExactly(source.snapshots().get(1).id());
            assertThat(rest.present()).containsExactly(first.id());
            assertThat(rest.blobsCopied()).as("only the added file and the changed trees")
                    .isPositive().isLessThan(one.blobsCopied());
            assertThat(one.blobsCopied() + rest.blobsCopied()).isEqualTo(source.index().size());
        }
    }

    @Test
    void targetHasItsOwnKeyAndPassword() {
        try (Repository target = newTarget()) {
            new Copy(source, target).run(List.of(), ProgressListener.NONE);
        }
        assertThatThrownBy(() -> Repository.open(targetStorage, SOURCE_PASSWORD, client))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.WRONG_PASSWORD));
        // No stored byte of the target opens with the source's key: every pack differs.
        List<String> sourcePacks = source.storage().list(ObjectKind.DATA).stream().map(o -> o.handle().name()).toList();
        for (ObjectInfo o : targetStorage.list(ObjectKind.DATA)) {
            assertThat(sourcePacks).doesNotContain(o.handle().name());
        }
        try (Repository reopened = Repository.open(targetStorage, TARGET_PASSWORD, client)) {
            assertThat(ids(reopened)).containsExactlyElementsOf(ids(source));
        }
    }

    @Test
    void independentRepositoryIsRefusedAsTarget() {
        try (Repository other = Repository.init(targetStorage, TARGET_PASSWORD, KdfParams.FAST, 1024 * 1024, client)) {
            assertThatThrownBy(() -> new Copy(source, other).run(List.of(), ProgressListener.NONE))
                    .isInstanceOfSatisfying(LifeboatException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.REFUSED);
                        assertThat(e.hint()).contains("--init");
                    });
            assertThat(other.storage().list(ObjectKind.DATA)).isEmpty();
        }
    }

    @Test
    void damagedSourceBlobStopsBeforeTheSnapshotIsCommitted() {
        // Flip a byte in the middle of the newest source pack.
        ObjectInfo pack = source.storage().list(ObjectKind.DATA).get(0);
        byte[] bytes = source.storage().get(pack.handle());
        bytes[bytes.length / 3] ^= 0x40;
        source.storage().put(pack.handle(), bytes);
        try (Repository target = newTarget()) {
            assertThatThrownBy(() -> new Copy(source, target).run(List.of(), ProgressListener.NONE))
                    .isInstanceOfSatisfying(LifeboatException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.DAMAGED_DATA));
            assertThat(target.snapshots()).as("the snapshot needing the damaged blob is not committed").hasSizeLessThan(2);
            CheckResult check = new Check(target, new Random(1)).run(CheckOptions.ALL_DATA, ProgressListener.NONE);
            assertThat(check.ok()).as("what the target holds is complete: %s", check.problems()).isTrue();
        }
    }

    private static void assertSameTree(Path expected, Path actual) throws IOException {
        try (Stream<Path> walk = Files.walk(expected)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readAllBytes(actual.resolve(expected.relativize(p).toString())))
                        .as(p.toString()).isEqualTo(Files.readAllBytes(p));
            }
        }
    }
}
