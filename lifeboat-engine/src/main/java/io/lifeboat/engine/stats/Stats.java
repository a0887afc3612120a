package io.lifeboat.engine.stats;

import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.id.PackId;
import io.lifeboat.core.progress.Progress;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.storage.ObjectInfo;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.core.storage.Storage;
import io.lifeboat.core.tree.Node;
import io.lifeboat.core.tree.NodeType;
import io.lifeboat.core.tree.Tree;
import io.lifeboat.engine.retention.GroupBy;
import io.lifeboat.engine.retention.GroupBy.GroupKey;
import io.lifeboat.engine.stats.StatsResult.KindUsage;
import io.lifeboat.engine.stats.StatsResult.SourceUsage;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.index.BlobLocation;
import io.lifeboat.repository.index.MasterIndex;
import io.lifeboat.repository.lock.RepositoryLock;
import io.lifeboat.repository.pack.BlobType;
import io.lifeboat.repository.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** The stats use case: repository size, deduplication and per-source usage; see the package documentation. */
public final class Stats {
    private final Repository repo;

    public Stats(Repository repo) {
        this.repo = repo;
    }

    public StatsResult run(ProgressListener progress) {
        try (RepositoryLock lock = repo.lock(false, "stats")) {
            return new Run(progress).execute(lock.staleLocks());
        }
    }

    /** The state of one stats run. */
    private final class Run {
        private final ProgressListener progress;
        private final Storage storage = repo.storage();
        private final List<String> warnings = new ArrayList<>();
        /** Logical size of every tree walked so far, whichever source reached it first. */
        private final Map<BlobId, Long> logicalByTree = new HashMap<>();
        private final Set<BlobId> unreadableTrees = new HashSet<>();
        private MasterIndex index;
        private int snapshotsDone;
        private int snapshotsTotal;

        Run(ProgressListener progress) {
            this.progress = progress;
        }

        StatsResult execute(List<String> staleLocks) {
            List<KindUsage> kinds = new ArrayList<>();
            Map<PackId, Long> packSizes = new HashMap<>();
            for (ObjectKind kind : ObjectKind.values()) {
                List<ObjectInfo> objects = storage.list(kind);
                kinds.add(new KindUsage(kind.folder(), objects.size(), objects.stream().mapToLong(ObjectInfo::size).sum()));
                if (kind == ObjectKind.DATA) {
                    for (ObjectInfo o : objects) {
                        packSizes.put(packId(o), o.size());
                    }
                }
            }
            repo.reloadIndex();
            index = repo.index();

            List<Snapshot> snapshots = repo.snapshots();
            snapshotsTotal = snapshots.size();
            Map<GroupKey, List<Snapshot>> bySource = new TreeMap<>();
            for (Snapshot s : snapshots) {
                bySource.computeIfAbsent(GroupBy.DEFAULT.keyOf(s), k -> new ArrayList<>()).add(s);
            }
            Set<BlobId> referenced = new HashSet<>();
            List<SourceUsage> sources = new ArrayList<>();
            long logical = 0;
            for (Map.Entry<GroupKey, List<Snapshot>> e : bySource.entrySet()) {
                SourceUsage u = source(e.getKey(), e.getValue(), referenced);
                sources.add(u);
                logical += u.logicalBytes();
            }

            long[] blobs = new long[4]; // data, tree, unreferenced count, unreferenced bytes
            index.forEach(b -> {
                blobs[b.location().type() == BlobType.TREE ? 1 : 0]++;
                if (!referenced.contains(b.id())) {
                    blobs[2]++;
                    blobs[3] += b.location().length();
                }
            });
            Set<PackId> indexedPacks = new HashSet<>(index.packs());
            long unindexedPacks = 0;
            long unindexedBytes = 0;
            for (Map.Entry<PackId, Long> p : packSizes.entrySet()) {
                if (p.getKey() != null && !indexedPacks.contains(p.getKey())) {
                    unindexedPacks++;
                    unindexedBytes += p.getValue();
                }
            }
            return new StatsResult(kinds, snapshots.size(), packSizes.size(),
                    packSizes.values().stream().mapToLong(Long::longValue).sum(), blobs[0] + blobs[1], blobs[0], blobs[1],
                    logical, sources, blobs[2], blobs[3], unindexedPacks, unindexedBytes, warnings, staleLocks);
        }

        private PackId packId(ObjectInfo o) {
            try {
                return PackId.parse(o.handle().name());
            } catch (IllegalArgumentException e) {
                warnings.add(o.handle().path() + ": not a pack name; counted in the data size only");
                return null;
            }
        }

        /** Walks the snapshots of one source; adds the blobs they reference to {@code referenced}. */
        private SourceUsage source(GroupKey key, List<Snapshot> snapshots, Set<BlobId> referenced) {
            Set<BlobId> blobs = new HashSet<>();
            long logical = 0;
            for (Snapshot s : snapshots) {
                progress.onProgress(new Progress("stats", snapshotsDone, snapshotsTotal, 0, -1, s.id().shortHex()));
                logical += walk(s, s.root(), "/", blobs);
                snapshotsDone++;
            }
            long stored = 0;
            long missing = 0;
            for (BlobId b : blobs) {
                Optional<BlobLocation> loc = index.lookup(b);
                if (loc.isPresent()) {
                    stored += loc.get().length();
                } else {
                    missing++;
                }
            }
            if (missing > 0) {
                warnings.add(key.describe() + ": " + missing + " referenced blob(s) are not in the index and not counted;"
                        + " run 'lifeboat check' to find the damaged snapshots");
            }
            referenced.addAll(blobs);
            return new SourceUsage(key.host(), key.sourceKind(), key.sourceIdentity(), snapshots.size(), logical,
                    blobs.size(), stored);
        }

        /**
         * Adds the blobs of a tree and its subtrees to {@code blobs} and returns its logical size.
         * A tree already in {@code blobs} was walked for this source: its blobs are there and its
         * size is remembered.
         */
        private long walk(Snapshot s, BlobId treeId, String path, Set<BlobId> blobs) {
            if (!blobs.add(treeId)) {
                return logicalByTree.getOrDefault(treeId, 0L);
            }
            Tree tree;
            try {
                tree = repo.loadTree(treeId);
            } catch (LifeboatException e) {
                if (unreadableTrees.add(treeId)) {
                    warnings.add("snapshot " + s.id().shortHex() + ": tree " + treeId.shortHex() + " (" + path
                            + ") cannot be read, its content is not counted: " + e.getMessage());
                }
                return 0;
            }
            progress.onProgress(new Progress("stats", snapshotsDone, snapshotsTotal, 0, -1, s.id().shortHex() + " " + path));
            long logical = 0;
            for (Node n : tree.nodes()) {
                blobs.addAll(n.content());
                if (n.type() == NodeType.FILE || n.type() == NodeType.STREAM) {
                    logical += n.size();
                } else if (n.type() == NodeType.DIRECTORY) {
                    logical += walk(s, n.subtree(), path + n.name() + "/", blobs);
                }
            }
            logicalByTree.put(treeId, logical);
            return logical;
        }
    }
}
