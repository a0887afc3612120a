package io.lifeboat.engine.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.id.SnapshotId;
import io.lifeboat.core.source.BackupOutcome;
import io.lifeboat.core.source.BackupSink;
import io.lifeboat.core.source.ChunkingProfile;
import io.lifeboat.core.source.Source;
import io.lifeboat.core.source.SourceDescriptor;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.storage.ObjectInfo;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.core.storage.Storage;
import io.lifeboat.engine.backup.Backup;
import io.lifeboat.engine.backup.BackupOptions;
import io.lifeboat.engine.check.Check;
import io.lifeboat.engine.check.CheckOptions;
import io.lifeboat.engine.check.CheckResult;
import io.lifeboat.engine.restore.Restore;
import io.lifeboat.repository.ClientContext;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.crypto.KdfParams;
import io.lifeboat.repository.lock.LockPolicy;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prune through the use cases, on real repositories in memory with real file trees. */
class PruneTest {
    private static final char[] PASSWORD = "pw".toCharArray();
    private static final int PACK = 1 << 20;
    private static final PruneOptions EVERYTHING = new PruneOptions(0, Long.MAX_VALUE, Duration.ZERO, false);

    @TempDir
    Path tmp;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T10:00:00Z"));
    private final ClientContext client = new ClientContext("host-a", "alice", clock, LockPolicy.DEFAULT);
    private final SplittableRandom random = new SplittableRandom(5);
    private final Path src = tmp().resolve("src");

    private Path tmp() {
        try {
            return Files.createTempDirectory("prune-test");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Writes {@code count} random files named f0.. of about 200 KB each, replacing earlier ones. */
    private Map<String, byte[]> files(int from, int to) throws IOException {
        Files.createDirectories(src.resolve("d"));
        Map<String, byte[]> out = new HashMap<>();
        for (int i = from; i < to; i++) {
            byte[] b = new byte[150_000 + random.nextInt(100_000)];
            random.nextBytes(b);
            Files.write(src.resolve("d/f" + i), b);
            out.put("d/f" + i, b);
        }
        return out;
    }

    private Repository init(Storage storage) {
        return Repository.init(storage, PASSWORD, KdfParams.FAST, PACK, client);
    }

    private Snapshot backup(Repository repo) {
        clock.advance(Duration.ofHours(1));
        return new Backup(repo, "test").run(new FilesSource(FilesSourceConfig.of(src)), BackupOptions.DEFAULT,
                ProgressListener.NONE).snapshot();
    }

    private PruneResult prune(Repository repo, PruneOptions options) {
        return new Prune(repo).run(options, ProgressListener.NONE);
    }

    private void forget(Repository repo, SnapshotId... ids) {
        new Forget(repo, ZoneId.of("UTC")).run(ForgetOptions.named(
                java.util.Arrays.stream(ids).map(SnapshotId::hex).toList(), GroupBy.DEFAULT, false));
    }

    private static void assertCheckPasses(Repository repo) {
        repo.reloadIndex();
        CheckResult r = new Check(repo, new Random(1)).run(CheckOptions.ALL_DATA, ProgressListener.NONE);
        assertThat(r.problems()).as("check --read-data").isEmpty();
    }

    /** Restores a snapshot and compares every file with {@code expected}. */
    private void assertRestores(Repository repo, Snapshot s, Map<String, byte[]> expected) throws IOException {
        Path target = Files.createTempDirectory(tmp, "restore");
        new Restore(repo).run(s.id().hex(), Optional.empty(),
                new FilesRestoreTarget(FilesRestoreTargetConfig.of(target)), ProgressListener.NONE);
        Path root = target.resolve(src.getRoot().relativize(src).toString());
        try (var walk = Files.walk(root.resolve("d"))) {
            assertThat(walk.filter(Files::isRegularFile).count()).isEqualTo(expected.size());
        }
        for (Map.Entry<String, byte[]> e : expected.entrySet()) {
            assertThat(Files.readAllBytes(root.resolve(e.getKey()))).as(e.getKey()).isEqualTo(e.getValue());
        }
    }

    private static long packBytes(Storage storage) {
        return storage.list(ObjectKind.DATA).stream().mapToLong(ObjectInfo::size).sum();
    }

    @Test
    void forgetAllButOneThenPruneShrinksToWhatTheOneNeeds() throws IOException {
        InMemoryStorage storage = new InMemoryStorage("prune", clock);
        try (Repository repo = init(storage)) {
            Map<String, byte[]> state = new HashMap<>(files(0, 20));
            Snapshot s1 = backup(repo);
            state.putAll(files(0, 10)); // half the files change: s1's packs become partly used
            Snapshot s2 = backup(repo);
            state.putAll(files(20, 30));
            Snapshot s3 = backup(repo);
            long before = packBytes(storage);

            forget(repo, s1.id(), s2.id());
            PruneResult r = prune(repo, EVERYTHING);

            // The same tree alone in a fresh repository is what one snapshot needs.
            InMemoryStorage fresh = new InMemoryStorage("fresh", clock);
            try (Repository alone = init(fresh)) {
                backup(alone);
            }
            long after = packBytes(storage);
            assertThat(r.bytesBefore()).isEqualTo(before);
            assertThat(r.bytesAfter()).isEqualTo(after);
            assertThat(r.packsDeleted()).isPositive();
            assertThat(r.packsRepacked()).isPositive();
            assertThat(r.blobsRemoved()).isPositive();
            assertThat(r.bytesFreed()).isEqualTo(before - after);
            assertThat(r.unusedBytesLeft()).isZero();
            assertThat((double) after).isLessThan(before * 0.8).isBetween(packBytes(fresh) * 0.98, packBytes(fresh) * 1.02);
            assertThat(repo.snapshots()).extracting(Snapshot::id).containsExactly(s3.id());
            assertCheckPasses(repo);
            assertRestores(repo, s3, state);
            assertThat(storage.list(ObjectKind.LOCK)).isEmpty();

            PruneResult again = prune(repo, EVERYTHING);
            assertThat(again.packsDeleted() + again.packsRepacked() + again.unindexedDeleted()).isZero();
            assertThat(again.bytesFreed()).isZero();
        }
    }

    @Test
    void heldSnapshotSurvivesForgetKeepLastOneWithPrune() throws IOException {
        InMemoryStorage storage = new InMemoryStorage("held", clock);
        try (Repository repo = init(storage)) {
            Map<String, byte[]> first = new HashMap<>(files(0, 8));
            Snapshot held = backup(repo);
            files(0, 8);
            Snapshot middle = backup(repo);
            files(0, 8);
            Snapshot newest = backup(repo);
            new Holds(repo).place(held.id().hex(), "case 4711", null);

            new Forget(repo, ZoneId.of("UTC")).run(ForgetOptions.byPolicy(RetentionPolicy.NONE.withLast(1), GroupBy.DEFAULT, false));
            PruneResult r = prune(repo, EVERYTHING);

            assertThat(repo.snapshots()).extracting(Snapshot::id).containsExactly(held.id(), newest.id());
            assertThat(r.packsDeleted() + r.packsRepacked()).isPositive(); // the middle one's data went
            assertCheckPasses(repo);
            assertRestores(repo, held, first);
            assertThat(middle.id()).isNotIn(repo.snapshots().stream().map(Snapshot::id).toList());
        }
    }

    @Test
    void dryRunReportsThePlanAndChangesNothing() throws IOException {
        InMemoryStorage storage = new InMemoryStorage("dry", clock);
        try (Repository repo = init(storage)) {
            files(0, 10);
            Snapshot s1 = backup(repo);
            files(0, 10);
            Snapshot s2 = backup(repo);
            forget(repo, s1.id());
            Map<String, Long> objects = objectSizes(storage);

            PruneResult dry = prune(repo, EVERYTHING.withDryRun(true));
            assertThat(dry.dryRun()).isTrue();
            assertThat(dry.packsDeleted()).isPositive();
            assertThat(objectSizes(storage)).isEqualTo(objects);

            // As forget --prune --dry-run sees it: the snapshot to forget is still there.
            Map<String, Long> withBoth = objectSizes(storage);
            PruneResult assumed = new Prune(repo).run(EVERYTHING.withDryRun(true), java.util.Set.of(s2.id()),
                    ProgressListener.NONE);
            assertThat(assumed.snapshots()).isZero();
            assertThat(assumed.bytesFreed()).isEqualTo(assumed.bytesBefore());
            assertThat(objectSizes(storage)).isEqualTo(withBoth);

            PruneResult real = prune(repo, EVERYTHING);
            assertThat(real.packsDeleted()).isEqualTo(dry.packsDeleted());
            assertThat(real.packsRepacked()).isEqualTo(dry.packsRepacked());
            assertThat(real.blobsRemoved()).isEqualTo(dry.blobsRemoved());
        }
    }

    private static Map<String, Long> objectSizes(Storage storage) {
        Map<String, Long> out = new HashMap<>();
        for (ObjectKind k : List.of(ObjectKind.DATA, ObjectKind.INDEX, ObjectKind.SNAPSHOT)) {
            storage.list(k).forEach(o -> out.put(o.handle().path(), o.size()));
        }
        return out;
    }

    @Test
    void packsNoIndexListsAreKeptDuringTheGracePeriodThenDeleted() throws IOException {
        InMemoryStorage storage = new InMemoryStorage("grace", clock);
        try (Repository repo = init(storage)) {
            files(0, 4);
            backup(repo);
            // A pack uploaded by a backup that has not written its index yet.
            byte[] orphan = storage.get(storage.list(ObjectKind.DATA).get(0).handle());
            orphan[0] ^= 1;
            var handle = io.lifeboat.core.storage.Handle.of(ObjectKind.DATA, "ab".repeat(32));
            storage.put(handle, orphan);

            PruneResult young = prune(repo, PruneOptions.DEFAULTS);
            assertThat(young.unindexedKept()).isEqualTo(1);
            assertThat(storage.stat(handle)).isPresent();

            clock.advance(PruneOptions.DEFAULT_GRACE.plusSeconds(1));
            PruneResult old = prune(repo, PruneOptions.DEFAULTS);
            assertThat(old.unindexedDeleted()).isEqualTo(1);
            assertThat(old.bytesFreed()).isEqualTo(orphan.length);
            assertThat(storage.stat(handle)).isEmpty();
            assertCheckPasses(repo);
        }
    }

    @Test
    void pruneWaitsForNoOneAndFailsWhileABackupHoldsItsLock() throws IOException {
        try (Repository repo = init(new InMemoryStorage("locked", clock))) {
            files(0, 2);
            backup(repo);
            try (RepositoryLock running = repo.lock(false, "backup")) {
                assertThatThrownBy(() -> prune(repo, EVERYTHING))
                        .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REPOSITORY_LOCKED));
            }
        }
    }

    @Test
    void pruneRefusesToRunWhenDataASnapshotUsesIsMissing() throws IOException {
        InMemoryStorage storage = new InMemoryStorage("damaged", clock);
        try (Repository repo = init(storage)) {
            files(0, 10);
            Snapshot s1 = backup(repo);
            files(0, 10);
            backup(repo);
            forget(repo, s1.id());
            ObjectInfo victim = storage.list(ObjectKind.DATA).stream()
                    .max(java.util.Comparator.comparingLong(ObjectInfo::size)).orElseThrow();
            Map<String, Long> objects = objectSizes(storage);
            // Delete a pack the remaining snapshot needs (the one with the newest files).
            repo.reloadIndex();
            var used = ReferencedBlobs.of(repo, repo.snapshots(), ProgressListener.NONE);
            ObjectInfo needed = storage.list(ObjectKind.DATA).stream()
                    .filter(o -> repo.index().packs().contains(io.lifeboat.core.id.PackId.parse(o.handle().name())))
                    .filter(o -> used.stream().anyMatch(b -> repo.index().lookup(b).orElseThrow().pack().hex()
                            .equals(o.handle().name())))
                    .findFirst().orElse(victim);
            storage.delete(needed.handle());
            objects.remove(needed.handle().path());

            assertThatThrownBy(() -> prune(repo, EVERYTHING))
                    .isInstanceOfSatisfying(LifeboatException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.DAMAGED_DATA);
                        assertThat(e.getMessage()).contains("prune deleted nothing");
                        assertThat(e.hint()).contains("lifeboat check");
                    });
            assertThat(objectSizes(storage)).isEqualTo(objects);
        }
    }

    /**
     * The case the lock alone cannot cover: a backup whose lock went stale (its process was
     * suspended longer than the stale age) while it reused blobs that a prune then deleted. It must
     * not commit a snapshot pointing at them.
     */
    @Test
    void backupWhoseLockWentStaleWhilePruneDeletedItsDataDoesNotCommit() throws IOException {
        InMemoryStorage storage = new InMemoryStorage("stale", clock);
        try (Repository repo = init(storage)) {
            Map<String, byte[]> state = new HashMap<>(files(0, 6));
            Snapshot old = backup(repo);
            forget(repo, old.id());
            Source suspended = new Source() {
                private final FilesSource files = new FilesSource(FilesSourceConfig.of(src));

                @Override
                public SourceDescriptor descriptor() {
                    return files.descriptor();
                }

                @Override
                public ChunkingProfile chunking() {
                    return files.chunking();
                }

                @Override
                public BackupOutcome backup(BackupSink sink, Optional<BlobId> parentRoot) {
                    BackupOutcome outcome = files.backup(sink, parentRoot); // reuses the forgotten snapshot's blobs
                    clock.advance(LockPolicy.DEFAULT.staleAge().plusMinutes(1));
                    PruneResult pruned = prune(repo, EVERYTHING); // the backup's lock is stale: prune proceeds
                    assertThat(pruned.packsDeleted()).isPositive();
                    assertThat(pruned.staleLocks()).singleElement().asString().contains("backup");
                    return outcome;
                }
            };
            assertThatThrownBy(() -> new Backup(repo, "test").run(suspended, BackupOptions.DEFAULT, ProgressListener.NONE))
                    .isInstanceOfSatisfying(LifeboatException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.REPOSITORY_LOCKED);
                        assertThat(e.getMessage()).contains("not refreshed");
                    });
            assertThat(repo.snapshots()).isEmpty();
            assertCheckPasses(repo);

            Snapshot again = backup(repo);
            assertRestores(repo, again, state);
        }
    }

    /**
     * A prune that dies after any one of its writes or deletes (the storage stops answering right
     * after the call went through) leaves a repository where check passes and every snapshot
     * restores; the next prune finishes the job.
     */
    @Test
    void pruneInterruptedAfterAnyStorageCallLosesNothingAndTheNextPruneFinishes() throws IOException {
        Map<String, byte[]> s2Files = new HashMap<>();
        Map<String, byte[]> s3Files = new HashMap<>();
        InMemoryStorage memory = new InMemoryStorage("template", clock);
        Snapshot s2;
        Snapshot s3;
        try (Repository repo = init(memory)) {
            s2Files.putAll(files(0, 12));
            Snapshot s1 = backup(repo);
            s2Files.putAll(files(0, 6));
            s2 = backup(repo);
            s3Files.putAll(s2Files);
            s3Files.putAll(files(12, 16));
            s3 = backup(repo);
            forget(repo, s1.id());
        }
        int crashes = 0;
        for (Operation op : List.of(Operation.PUT, Operation.DELETE)) {
            for (int n = 1; ; n++) {
                FaultInjectingStorage storage = new FaultInjectingStorage(copyOf(memory), n);
                try (Repository repo = Repository.open(storage, PASSWORD, client)) {
                    // The lock's own PUT is the first call; the n-th call after it fails.
                    storage.failCall(op, n + (op == Operation.PUT ? 1 : 0), Fault.crashAfterCall());
                    try {
                        prune(repo, EVERYTHING);
                    } catch (LifeboatException e) {
                        assertThat(e.code()).isEqualTo(ErrorCode.INTERRUPTED);
                        crashes++;
                    }
                    boolean fired = storage.injectedFaults() > 0;
                    storage.clearFaults();
                    repo.unlock(true);
                    assertCheckPasses(repo);
                    assertRestores(repo, s2, s2Files);
                    assertRestores(repo, s3, s3Files);
                    PruneResult finish = prune(repo, EVERYTHING);
                    assertThat(finish.unusedBytesLeft()).isZero();
                    PruneResult nothingLeft = prune(repo, EVERYTHING);
                    assertThat(nothingLeft.bytesFreed()).as("after a crash at %s #%d", op, n).isZero();
                    assertThat(storage.list(ObjectKind.INDEX)).hasSize(1);
                    assertCheckPasses(repo);
                    assertRestores(repo, s3, s3Files);
                    if (!fired) {
                        break;
                    }
                }
            }
        }
        assertThat(crashes).as("crash points exercised").isGreaterThan(4);
    }

    private static InMemoryStorage copyOf(InMemoryStorage from) {
        InMemoryStorage to = new InMemoryStorage("copy", Clock.systemUTC());
        for (ObjectKind k : ObjectKind.values()) {
            for (ObjectInfo o : from.list(k)) {
                to.put(o.handle(), from.get(o.handle()));
            }
        }
        return to;
    }

    /** A clock tests move forward by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
