package io.lifeboat.engine.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.storage.ObjectInfo;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.core.storage.Storage;
import io.lifeboat.engine.backup.Backup;
import io.lifeboat.engine.backup.BackupOptions;
import io.lifeboat.engine.check.Check;
import io.lifeboat.engine.check.CheckOptions;
import io.lifeboat.engine.restore.Restore;
import io.lifeboat.engine.retention.Holds;
import io.lifeboat.repository.ClientContext;
import io.lifeboat.repository.MasterKeyRotation;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.crypto.KdfParams;
import io.lifeboat.repository.crypto.KeyFile;
import io.lifeboat.repository.crypto.MasterKey;
import io.lifeboat.repository.lock.RepositoryLock;
import io.lifeboat.repository.snapshot.Snapshot;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code key rotate-master} on real repositories in memory holding real file trees. */
class MasterKeyRotationTest {
    private static final char[] PASSWORD = "rotation pw".toCharArray();
    private final ClientContext client = ClientContext.system();

    @TempDir
    Path tmp;

    private final SplittableRandom random = new SplittableRandom(17);
    private final Map<String, Map<String, byte[]>> contents = new HashMap<>();

    private Path src() {
        return tmp.resolve("src");
    }

    private Snapshot backup(Repository repo, int files) throws IOException {
        Files.createDirectories(src().resolve("d"));
        Map<String, byte[]> state = new HashMap<>();
        for (int i = 0; i < files; i++) {
            Path f = src().resolve("d/f" + i);
            if (!Files.exists(f) || i % 2 == 0) {
                byte[] b = new byte[50_000 + random.nextInt(300_000)];
                random.nextBytes(b);
                Files.write(f, b);
            }
            state.put("d/f" + i, Files.readAllBytes(f));
        }
        Snapshot s = new Backup(repo, "test").run(new FilesSource(FilesSourceConfig.of(src())), BackupOptions.DEFAULT,
                ProgressListener.NONE).snapshot();
        contents.put(s.id().hex(), state);
        return s;
    }

    private void assertEverySnapshotRestores(Repository repo) throws IOException {
        for (Snapshot s : repo.snapshots()) {
            Path target = Files.createTempDirectory(tmp, "restore");
            new Restore(repo).run(s.id().hex(), Optional.empty(), new FilesRestoreTarget(FilesRestoreTargetConfig.of(target)),
                    ProgressListener.NONE);
            Path root = target.resolve(src().getRoot().relativize(src()).toString());
            for (Map.Entry<String, byte[]> e : contents.get(s.id().hex()).entrySet()) {
                assertThat(Files.readAllBytes(root.resolve(e.getKey()))).as("%s in %s", e.getKey(), s.id().shortHex())
                        .isEqualTo(e.getValue());
            }
        }
    }

    private static void assertCheckPasses(Repository repo) {
        assertThat(new Check(repo, new Random(1)).run(CheckOptions.ALL_DATA, ProgressListener.NONE).problems()).isEmpty();
    }

    private static MasterKeyRotation.Result rotate(Repository repo, boolean removeOtherKeys) {
        try (RepositoryLock lock = repo.lock(true, "key rotate-master")) {
            return new MasterKeyRotation(repo, lock, ProgressListener.NONE).run(PASSWORD, removeOtherKeys);
        }
    }

    /** The old master key, as someone who kept the old key file and its password would have it. */
    private static MasterKey oldMasterKey(Storage storage) {
        ObjectInfo key = storage.list(ObjectKind.KEY).get(0);
        return KeyFile.parse(storage.get(key.handle())).open(PASSWORD);
    }

    private InMemoryStorage populated() throws IOException {
        InMemoryStorage storage = new InMemoryStorage();
        try (Repository repo = Repository.init(storage, PASSWORD, KdfParams.FAST, 1 << 20, client)) {
            Snapshot first = backup(repo, 12);
            backup(repo, 12);
            new Holds(repo).place(first.id().hex(), "audit", null);
        }
        return storage;
    }

    @Test
    void afterRotationTheOldMasterKeyDecryptsNothingAndEverySnapshotRestores() throws IOException {
        InMemoryStorage storage = populated();
        MasterKey old = oldMasterKey(storage);
        List<String> snapshotIds;
        try (Repository before = Repository.open(storage, PASSWORD, client)) {
            snapshotIds = before.snapshots().stream().map(s -> s.id().hex()).toList();
            assertThat(MasterKeyRotation.readableWith(before, old)).as("everything is under the old key before").isNotEmpty();
            MasterKeyRotation.Result r = rotate(before, false);
            assertThat(r.resumed()).isFalse();
            assertThat(r.packsRewritten()).isPositive();
            assertThat(r.snapshotsResealed()).isEqualTo(2);
            assertThat(r.holdsResealed()).isEqualTo(1);
            assertThat(r.keysRemoved()).hasSize(1);
        }
        try (Repository after = Repository.open(storage, PASSWORD, client)) {
            assertThat(MasterKeyRotation.readableWith(after, old)).isEmpty();
            assertThat(after.config().rotationPending()).isFalse();
            assertThat(after.snapshots()).extracting(s -> s.id().hex()).containsExactlyElementsOf(snapshotIds);
            assertThat(after.holds()).singleElement().satisfies(h -> assertThat(h.snapshot().hex()).isEqualTo(snapshotIds.get(0)));
            assertThat(after.keys().list()).singleElement().satisfies(k -> assertThat(k.current()).isTrue());
            assertCheckPasses(after);
            assertEverySnapshotRestores(after);
            // Blob ids did not change: re-reading the unchanged files adds no data, only the trees of the
            // directories above src, whose mtimes the restores changed.
            Snapshot again = new Backup(after, "test").run(new FilesSource(FilesSourceConfig.of(src())),
                    new BackupOptions(List.of(), true, null), ProgressListener.NONE).snapshot();
            assertThat(again.stats().bytesAdded()).isLessThan(10_000);
            assertThat(again.stats().bytesRead()).isGreaterThan(1_000_000);
        }
    }

    @Test
    void keysOfOtherPasswordsMakeItRefuseUnlessTheyMayBeRemoved() throws IOException {
        InMemoryStorage storage = populated();
        char[] other = "someone else".toCharArray();
        try (Repository repo = Repository.open(storage, PASSWORD, client)) {
            String otherKey = repo.keys().add(other, KdfParams.FAST);
            assertThatThrownBy(() -> rotate(repo, false)).isInstanceOfSatisfying(LifeboatException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.REFUSED);
                assertThat(e.getMessage()).contains(otherKey.substring(0, 8));
                assertThat(e.hint()).contains("--remove-other-keys");
            });
            assertThat(repo.config().rotationPending()).isFalse();
            assertThat(storage.list(ObjectKind.KEY)).hasSize(2);

            MasterKeyRotation.Result r = rotate(repo, true);
            assertThat(r.keysRemoved()).contains(otherKey);
        }
        assertThatThrownBy(() -> Repository.open(storage, other, client))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.WRONG_PASSWORD));
        try (Repository repo = Repository.open(storage, PASSWORD, client)) {
            assertEverySnapshotRestores(repo);
        }
    }

    /**
     * Interrupted right after any one of its storage writes or deletes, the repository still opens,
     * checks and restores (reading with both keys), and running the rotation again finishes it.
     */
    @Test
    void interruptedAfterAnyStorageCallItResumes() throws IOException {
        InMemoryStorage template = populated();
        MasterKey old = oldMasterKey(template);
        int crashes = 0;
        for (Operation op : List.of(Operation.PUT, Operation.DELETE)) {
            for (int n = 1; ; n++) {
                FaultInjectingStorage storage = new FaultInjectingStorage(copyOf(template), n);
                boolean fired;
                try (Repository repo = Repository.open(storage, PASSWORD, client)) {
                    storage.failCall(op, n + (op == Operation.PUT ? 1 : 0), Fault.crashAfterCall()); // after the lock's PUT
                    try {
                        rotate(repo, false);
                    } catch (LifeboatException e) {
                        assertThat(e.code()).isEqualTo(ErrorCode.INTERRUPTED);
                        crashes++;
                    }
                    fired = storage.injectedFaults() > 0;
                    storage.clearFaults();
                }
                try (Repository midway = Repository.open(storage, PASSWORD, client)) {
                    midway.unlock(true);
                    assertCheckPasses(midway);
                    assertEverySnapshotRestores(midway);
                    if (midway.config().rotationPending() || !MasterKeyRotation.readableWith(midway, old).isEmpty()) {
                        assertThat(rotate(midway, false).resumed()).isEqualTo(midway.config().rotationPending());
                    }
                }
                try (Repository done = Repository.open(storage, PASSWORD, client)) {
                    assertThat(done.config().rotationPending()).isFalse();
                    assertThat(MasterKeyRotation.readableWith(done, old)).as("after a crash at %s #%d", op, n).isEmpty();
                    assertThat(done.keys().list()).hasSize(1);
                    assertCheckPasses(done);
                    assertEverySnapshotRestores(done);
                }
                if (!fired) {
                    break;
                }
            }
        }
        assertThat(crashes).as("crash points exercised").isGreaterThan(6);
    }

    private static InMemoryStorage copyOf(InMemoryStorage from) {
        InMemoryStorage to = new InMemoryStorage();
        for (ObjectKind k : ObjectKind.values()) {
            for (ObjectInfo o : from.list(k)) {
                to.put(o.handle(), from.get(o.handle()));
            }
        }
        return to;
    }
}
