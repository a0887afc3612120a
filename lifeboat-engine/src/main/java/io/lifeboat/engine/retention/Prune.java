package io.lifeboat.engine.retention;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.id.ObjectId;
import io.lifeboat.core.id.PackId;
import io.lifeboat.core.id.SnapshotId;
import io.lifeboat.core.progress.Progress;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectInfo;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.core.storage.Storage;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.index.IndexFile;
import io.lifeboat.repository.lock.RepositoryLock;
import io.lifeboat.repository.pack.BlobType;
import io.lifeboat.repository.pack.PackEntry;
import io.lifeboat.repository.pack.PackWriter;
import io.lifeboat.repository.pack.PackWriter.FinishedPack;
import io.lifeboat.repository.snapshot.Snapshot;
import io.lifeboat.repository.wal.WalArchive;
import io.lifeboat.repository.wal.WalChain;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The prune use case: deletes the packs no snapshot uses, repacks mostly unused ones, and
 * replaces the index. See the package documentation for why this is safe next to backups and
 * after a crash at any point.
 */
public final class Prune {
    /** Blobs per new index file, so that no single index object grows without bound. */
    static final int BLOBS_PER_INDEX_FILE = 200_000;

    private final Repository repo;

    public Prune(Repository repo) {
        this.repo = repo;
    }

    public PruneResult run(PruneOptions options, ProgressListener progress) {
        return run(options, Set.of(), progress);
    }

    /**
     * Runs prune as if the snapshots in {@code alsoForgotten} were gone already: how a dry run of
     * {@code forget --prune} shows what the prune would free.
     */
    public PruneResult run(PruneOptions options, Set<SnapshotId> alsoForgotten, ProgressListener progress) {
        if (!alsoForgotten.isEmpty() && !options.dryRun()) {
            throw new IllegalArgumentException("only a dry run may assume snapshots are forgotten");
        }
        try (RepositoryLock lock = repo.lock(!options.dryRun(), options.dryRun() ? "prune --dry-run" : "prune")) {
            return new Run(options, alsoForgotten, progress, lock).execute();
        }
    }

    /** The state of one prune run. */
    private final class Run {
        private final PruneOptions options;
        private final Set<SnapshotId> alsoForgotten;
        private final ProgressListener progress;
        private final RepositoryLock lock;
        private final Storage storage = repo.storage();

        Run(PruneOptions options, Set<SnapshotId> alsoForgotten, ProgressListener progress, RepositoryLock lock) {
            this.options = options;
            this.alsoForgotten = alsoForgotten;
            this.progress = progress;
            this.lock = lock;
        }

        PruneResult execute() {
            // Under the lock, so that the index and snapshots are exactly what is committed now.
            Map<PackId, List<PackEntry>> indexed = new LinkedHashMap<>();
            List<ObjectId> indexIds = new ArrayList<>();
            Set<ObjectId> superseded = new HashSet<>();
            // One read of every index file: the repository's master index is rebuilt from the same files.
            repo.reloadIndex().forEach((name, f) -> {
                f.packs().forEach(indexed::putIfAbsent);
                indexIds.add(ObjectId.parse(name));
                superseded.addAll(f.supersedes());
            });
            // Index files an interrupted prune replaced but could not delete yet: finish that too.
            boolean leftoverIndex = indexIds.stream().anyMatch(superseded::contains);
            Map<PackId, ObjectInfo> stored = PrunePlan.byPack(storage.list(ObjectKind.DATA));
            List<Snapshot> snapshots = repo.snapshots().stream().filter(s -> !alsoForgotten.contains(s.id())).toList();
            Set<BlobId> used;
            try {
                used = ReferencedBlobs.of(repo, snapshots, progress);
            } catch (LifeboatException e) {
                throw new LifeboatException(e.code(), e.getMessage() + "; prune deleted nothing", e.hint(), e);
            }
            PrunePlan plan = PrunePlan.of(stored, indexed, used, options, repo.client().clock().instant());
            if (!plan.lost.isEmpty()) {
                BlobId first = plan.lost.iterator().next();
                throw new LifeboatException(ErrorCode.DAMAGED_DATA,
                        plan.lost.size() + " blob(s) that snapshots use are in no stored pack (for example "
                                + first.hex() + "); prune deleted nothing",
                        "run 'lifeboat check' to see the damaged snapshots, and forget them before pruning");
            }

            long bytesBefore = stored.values().stream().mapToLong(ObjectInfo::size).sum();
            List<PackId> toDelete = new ArrayList<>(plan.delete);
            toDelete.addAll(plan.repack.keySet());
            toDelete.addAll(plan.unindexedDelete);
            long deletedBytes = toDelete.stream().mapToLong(p -> stored.get(p).size()).sum();
            List<FinishedPack> written = new ArrayList<>();
            int replaced = 0;
            if (!options.dryRun()) {
                lock.checkHeld();
                written = repack(plan.repack);
                if (plan.changesIndex() || leftoverIndex) {
                    lock.checkHeld();
                    writeIndex(plan.keep, written, indexIds);
                    // Only once the new index is durable: delete the old files, then the packs.
                    for (ObjectId id : indexIds) {
                        storage.delete(Handle.of(ObjectKind.INDEX, id.hex()));
                    }
                    replaced = indexIds.size();
                }
                lock.checkHeld();
                int done = 0;
                for (PackId p : toDelete) {
                    progress.onProgress(new Progress("prune: delete", done++, toDelete.size(), 0, -1, p.shortHex()));
                    storage.delete(Handle.of(ObjectKind.DATA, p.hex()));
                }
                repo.reloadIndex();
            }
            List<WalArchive.WalFile> walGone = pruneWal(snapshots);
            long writtenBytes = written.stream().mapToLong(f -> f.bytes().length).sum();
            if (options.dryRun()) {
                writtenBytes = estimateRepacked(plan.repack);
            }
            return new PruneResult(options.dryRun(), snapshots.size(), stored.size(), bytesBefore, plan.delete.size(),
                    plan.repack.size(), written.size(), writtenBytes, plan.unindexedDelete.size(), plan.unindexedKept,
                    plan.blobsRemoved, deletedBytes - writtenBytes, plan.unusedBytesLeft, replaced,
                    plan.missing.stream().map(p -> Handle.of(ObjectKind.DATA, p.hex()).path()).toList(),
                    lock.staleLocks(),
                    walGone.stream().map(f -> WalArchive.objectPath(f.systemId(), f.name())).toList(),
                    walGone.stream().mapToLong(WalArchive.WalFile::storedSize).sum());
        }

        /**
         * Deletes (in a dry run: only finds) the WAL files that no remaining physical base backup
         * needs ({@link WalChain#removable}); snapshots are read under the lock, so a held or
         * just-committed base backup always counts.
         */
        private List<WalArchive.WalFile> pruneWal(List<Snapshot> retained) {
            WalArchive wal = new WalArchive(storage, repo.codec());
            List<WalChain.BaseBackup> backups = retained.stream().flatMap(s -> WalChain.BaseBackup.of(s).stream()).toList();
            List<WalArchive.WalFile> gone = WalChain.removable(wal.list(), backups);
            if (!options.dryRun()) {
                lock.checkHeld();
                int done = 0;
                for (WalArchive.WalFile f : gone) {
                    progress.onProgress(new Progress("prune: delete WAL", done++, gone.size(), 0, -1, f.name()));
                    wal.delete(f);
                }
            }
            return gone;
        }

        /**
         * Copies the used blobs of each pack into new packs, authenticating each on the way (a
         * damaged blob stops the prune before anything is deleted), and stores the new packs.
         */
        private List<FinishedPack> repack(Map<PackId, List<PackEntry>> packs) {
            List<FinishedPack> out = new ArrayList<>();
            Map<BlobType, PackWriter> writers = new LinkedHashMap<>();
            int packSize = repo.config().packSize();
            long bytes = 0;
            int done = 0;
            for (Map.Entry<PackId, List<PackEntry>> e : packs.entrySet()) {
                PackId from = e.getKey();
                progress.onProgress(new Progress("prune: repack", done++, packs.size(), bytes, -1, from.shortHex()));
                byte[] pack = storage.get(Handle.of(ObjectKind.DATA, from.hex()));
                bytes += pack.length;
                for (PackEntry entry : e.getValue()) {
                    if ((long) entry.offset() + entry.length() > pack.length) {
                        throw damaged(from, entry, "lies beyond the end of the pack");
                    }
                    try {
                        repo.codec().decode(entry.id(), pack, entry.offset(), entry.length());
                    } catch (LifeboatException ex) {
                        throw damaged(from, entry, ex.getMessage());
                    }
                    byte[] stored = java.util.Arrays.copyOfRange(pack, entry.offset(), entry.offset() + entry.length());
                    PackWriter w = writers.computeIfAbsent(entry.type(), t -> new PackWriter());
                    w.add(entry.type(), entry.id(), stored, entry.rawLength());
                    if (w.size() >= packSize) {
                        out.add(store(w.finish(repo.codec())));
                        writers.remove(entry.type());
                    }
                }
            }
            for (PackWriter w : writers.values()) {
                out.add(store(w.finish(repo.codec())));
            }
            return out;
        }

        private FinishedPack store(FinishedPack p) {
            storage.putContentAddressed(Handle.of(ObjectKind.DATA, p.id().hex()), p.bytes());
            return p;
        }

        private LifeboatException damaged(PackId pack, PackEntry entry, String why) {
            return new LifeboatException(ErrorCode.DAMAGED_DATA,
                    "pack " + pack.hex() + ": blob " + entry.id().hex() + " that a snapshot uses " + why
                            + "; prune deleted nothing",
                    "run 'lifeboat check --read-data' to see the snapshots it affects, and forget them before pruning");
        }

        /** Writes the index of every pack that stays, superseding all the index files read. */
        private void writeIndex(Map<PackId, List<PackEntry>> keep, List<FinishedPack> written, List<ObjectId> old) {
            Map<PackId, List<PackEntry>> all = new LinkedHashMap<>();
            written.forEach(p -> all.put(p.id(), p.entries()));
            all.putAll(keep);
            Map<PackId, List<PackEntry>> batch = new LinkedHashMap<>();
            int blobs = 0;
            for (Map.Entry<PackId, List<PackEntry>> e : all.entrySet()) {
                batch.put(e.getKey(), e.getValue());
                blobs += e.getValue().size();
                if (blobs >= BLOBS_PER_INDEX_FILE) {
                    repo.saveIndex(new IndexFile(batch, old));
                    batch = new LinkedHashMap<>();
                    blobs = 0;
                }
            }
            if (!batch.isEmpty() || all.isEmpty()) {
                repo.saveIndex(new IndexFile(batch, old));
            }
        }

        private static long estimateRepacked(Map<PackId, List<PackEntry>> packs) {
            return packs.values().stream().flatMap(List::stream).mapToLong(PackEntry::length).sum();
        }
    }
}
