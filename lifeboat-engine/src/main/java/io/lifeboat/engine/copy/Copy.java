package io.lifeboat.engine.copy;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.id.PackId;
import io.lifeboat.core.id.SnapshotId;
import io.lifeboat.core.progress.Progress;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectInfo;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.core.tree.Node;
import io.lifeboat.core.tree.NodeType;
import io.lifeboat.core.tree.Tree;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.index.BlobLocation;
import io.lifeboat.repository.index.IndexFile;
import io.lifeboat.repository.lock.RepositoryLock;
import io.lifeboat.repository.pack.BlobType;
import io.lifeboat.repository.pack.PackEntry;
import io.lifeboat.repository.pack.PackWriter;
import io.lifeboat.repository.pack.PackWriter.FinishedPack;
import io.lifeboat.repository.snapshot.Snapshot;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The copy use case: snapshots of {@code source} into {@code target}, moving only missing blobs;
 * see the package documentation for the steps and why both must share chunker parameters.
 */
public final class Copy {
    /** Packs per index file written while copying, as a backup does. */
    static final int INDEX_EVERY_PACKS = 64;
    /** From this many needed blobs on, a source pack is read whole (one request) rather than by range. */
    static final int WHOLE_PACK_FROM_BLOBS = 4;

    private final Repository source;
    private final Repository target;

    public Copy(Repository source, Repository target) {
        this.source = source;
        this.target = target;
    }

    /**
     * Copies the given snapshots of the source (all of them when {@code snapshots} is empty) that
     * the target lacks.
     *
     * @throws LifeboatException {@code REFUSED} when the target does not share the source's
     *     chunker parameters; {@code DAMAGED_DATA} when a blob a snapshot needs is missing or
     *     damaged in the source (the target then holds no snapshot that needs it)
     */
    public CopyResult run(List<Snapshot> snapshots, ProgressListener progress) {
        if (!source.sharesChunkingWith(target)) {
            throw new LifeboatException(ErrorCode.REFUSED, "the repository at " + target.storage().location()
                    + " was not created as a copy target of " + source.storage().location()
                    + " (its chunker parameters differ, so no blob would match)",
                    "copy into a new location with 'lifeboat copy --init', which creates the target with the"
                            + " source's chunker parameters and its own encryption key and password");
        }
        if (source.config().id().equals(target.config().id())) {
            throw new LifeboatException(ErrorCode.USAGE, "source and target are the same repository ("
                    + source.storage().location() + ")", "give another repository with --to");
        }
        try (RepositoryLock readLock = source.lock(false, "copy (source)");
                RepositoryLock writeLock = target.lock(false, "copy")) {
            List<Snapshot> chosen = snapshots.isEmpty() ? source.snapshots() : sorted(snapshots);
            Run run = new Run(writeLock, progress);
            for (Snapshot s : chosen) {
                run.snapshot(s, chosen.size());
            }
            List<String> stale = new ArrayList<>(readLock.staleLocks());
            stale.addAll(writeLock.staleLocks());
            return new CopyResult(run.copied, run.present, run.blobs, run.bytes, run.packs, stale);
        }
    }

    private static List<Snapshot> sorted(List<Snapshot> snapshots) {
        Map<String, Snapshot> unique = new TreeMap<>();
        for (Snapshot s : snapshots) {
            unique.put(s.time() + " " + s.id().hex(), s);
        }
        return List.copyOf(unique.values());
    }

    /** The state of one copy run. */
    private final class Run {
        private final RepositoryLock lock;
        private final ProgressListener progress;
        private final Set<String> existing = new HashSet<>();
        /** Blobs written into the target during this run (its index learns them per index file). */
        private final Set<BlobId> written = new HashSet<>();
        private final Map<BlobType, PackWriter> writers = new EnumMap<>(BlobType.class);
        private final Map<PackId, List<PackEntry>> unindexed = new LinkedHashMap<>();
        final List<SnapshotId> copied = new ArrayList<>();
        final List<SnapshotId> present = new ArrayList<>();
        long blobs;
        long bytes;
        int packs;

        Run(RepositoryLock lock, ProgressListener progress) {
            this.lock = lock;
            this.progress = progress;
            for (ObjectInfo o : target.storage().list(ObjectKind.SNAPSHOT)) {
                existing.add(o.handle().name());
            }
        }

        void snapshot(Snapshot s, int total) {
            int done = copied.size() + present.size();
            if (existing.contains(s.id().hex())) {
                present.add(s.id());
                return;
            }
            progress.onProgress(new Progress("copy", done, total, bytes, -1, s.id().shortHex()));
            Map<PackId, List<Needed>> byPack = missingBlobs(s);
            for (Map.Entry<PackId, List<Needed>> e : byPack.entrySet()) {
                copyBlobs(s, e.getKey(), e.getValue());
                progress.onProgress(new Progress("copy", done, total, bytes, -1, s.id().shortHex()));
            }
            flushPacks();
            writeIndex();
            lock.checkHeld();
            source.copySnapshotTo(target, s.id());
            existing.add(s.id().hex());
            copied.add(s.id());
        }

        /** The blobs of {@code s} the target lacks, grouped by source pack, in pack order. */
        private Map<PackId, List<Needed>> missingBlobs(Snapshot s) {
            Map<PackId, List<Needed>> byPack = new TreeMap<>();
            Set<BlobId> seen = new HashSet<>();
            Deque<BlobId> trees = new ArrayDeque<>();
            trees.push(s.root());
            seen.add(s.root());
            want(s, s.root(), byPack);
            while (!trees.isEmpty()) {
                BlobId treeId = trees.pop();
                Tree tree;
                try {
                    tree = source.loadTree(treeId);
                } catch (LifeboatException e) {
                    throw damaged(s, "tree " + treeId.hex() + " cannot be read: " + e.getMessage(), e);
                }
                for (Node n : tree.nodes()) {
                    for (BlobId b : n.content()) {
                        if (seen.add(b)) {
                            want(s, b, byPack);
                        }
                    }
                    if (n.type() == NodeType.DIRECTORY && seen.add(n.subtree())) {
                        want(s, n.subtree(), byPack);
                        trees.push(n.subtree());
                    }
                }
            }
            byPack.values().forEach(l -> l.sort((a, b) -> Integer.compare(a.location.offset(), b.location.offset())));
            return byPack;
        }

        private void want(Snapshot s, BlobId id, Map<PackId, List<Needed>> byPack) {
            if (written.contains(id) || target.index().contains(id)) {
                return;
            }
            BlobLocation loc = source.index().lookup(id).orElseThrow(
                    () -> damaged(s, "blob " + id.hex() + " is not in the source's index", null));
            byPack.computeIfAbsent(loc.pack(), p -> new ArrayList<>()).add(new Needed(id, loc));
        }

        private void copyBlobs(Snapshot s, PackId pack, List<Needed> needed) {
            Handle handle = Handle.of(ObjectKind.DATA, pack.hex());
            byte[] whole = needed.size() >= WHOLE_PACK_FROM_BLOBS ? source.storage().get(handle) : null;
            for (Needed n : needed) {
                BlobLocation loc = n.location;
                byte[] stored;
                int offset;
                if (whole != null) {
                    if ((long) loc.offset() + loc.length() > whole.length) {
                        throw damaged(s, "pack " + pack.hex() + " is shorter than its index entry for blob "
                                + n.id.hex(), null);
                    }
                    stored = whole;
                    offset = loc.offset();
                } else {
                    stored = source.storage().getRange(handle, loc.offset(), loc.length());
                    offset = 0;
                }
                byte[] resealed;
                try {
                    resealed = source.resealBlobFor(target, n.id, stored, offset, loc.length());
                } catch (LifeboatException e) {
                    throw damaged(s, "pack " + pack.hex() + ": " + e.getMessage(), e);
                }
                PackWriter w = writers.computeIfAbsent(loc.type(), t -> new PackWriter());
                w.add(loc.type(), n.id, resealed, loc.rawLength());
                written.add(n.id);
                blobs++;
                bytes += resealed.length;
                if (w.size() >= target.config().packSize()) {
                    writers.remove(loc.type());
                    store(w.finish(target.codec()));
                }
            }
        }

        private void flushPacks() {
            for (PackWriter w : writers.values()) {
                store(w.finish(target.codec()));
            }
            writers.clear();
        }

        private void store(FinishedPack p) {
            target.storage().putContentAddressed(Handle.of(ObjectKind.DATA, p.id().hex()), p.bytes());
            packs++;
            unindexed.put(p.id(), p.entries());
            if (unindexed.size() >= INDEX_EVERY_PACKS) {
                writeIndex();
            }
        }

        private void writeIndex() {
            if (unindexed.isEmpty()) {
                return;
            }
            target.saveIndex(new IndexFile(unindexed, List.of()));
            unindexed.forEach(target.index()::addPack);
            unindexed.clear();
        }

        private LifeboatException damaged(Snapshot s, String what, Throwable cause) {
            return new LifeboatException(ErrorCode.DAMAGED_DATA, "cannot copy snapshot " + s.id().shortHex() + ": " + what
                    + " (snapshots copied before it are complete in the target)",
                    "run 'lifeboat check --read-data' on the source; copy the other snapshots by id", cause);
        }
    }

    /** A blob to copy and where the source keeps it. */
    private record Needed(BlobId id, BlobLocation location) {}
}
