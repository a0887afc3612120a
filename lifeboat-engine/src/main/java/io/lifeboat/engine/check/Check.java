package io.lifeboat.engine.check;

import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.id.PackId;
import io.lifeboat.core.id.SnapshotId;
import io.lifeboat.core.progress.Progress;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectInfo;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.core.storage.Storage;
import io.lifeboat.core.tree.Node;
import io.lifeboat.core.tree.NodeType;
import io.lifeboat.core.tree.Tree;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.index.BlobLocation;
import io.lifeboat.repository.index.IndexFile;
import io.lifeboat.repository.index.MasterIndex;
import io.lifeboat.repository.lock.RepositoryLock;
import io.lifeboat.repository.pack.PackEntry;
import io.lifeboat.repository.pack.PackHeader;
import io.lifeboat.repository.pack.PackVerifier;
import io.lifeboat.repository.snapshot.Snapshot;
import io.lifeboat.repository.snapshot.TreeCodec;
import io.lifeboat.repository.wal.WalArchive;
import io.lifeboat.repository.wal.WalChain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/** The check use case: structure always, stored bytes with {@code --read-data}. */
public final class Check {
    private final Repository repo;
    private final Random random;

    public Check(Repository repo, Random random) {
        this.repo = repo;
        this.random = random;
    }

    public CheckResult run(CheckOptions options, ProgressListener progress) {
        try (RepositoryLock lock = repo.lock(false, "check")) {
            return new Run(options, progress).execute();
        }
    }

    /** The state of one check run. */
    private final class Run {
        private final CheckOptions options;
        private final ProgressListener progress;
        private final Storage storage = repo.storage();
        private final List<Problem> problems = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();
        private final MasterIndex index = new MasterIndex();
        private final Map<PackId, List<PackEntry>> indexedPacks = new LinkedHashMap<>();
        private final Map<PackId, Set<String>> snapshotsByPack = new HashMap<>();

        Run(CheckOptions options, ProgressListener progress) {
            this.options = options;
            this.progress = progress;
        }

        CheckResult execute() {
            List<ObjectInfo> indexFiles = storage.list(ObjectKind.INDEX);
            readIndexFiles(indexFiles);
            Map<PackId, ObjectInfo> stored = storedPacks();
            checkPacksExist(stored);
            List<Snapshot> snapshots = readSnapshots();
            int walFiles = checkWalChain(snapshots);
            int read = 0;
            long bytes = 0;
            if (options.readData()) {
                List<PackId> chosen = choosePacks();
                for (PackId p : chosen) {
                    progress.onProgress(new Progress("check", read, chosen.size(), bytes, -1, "data/" + p.shortHex()));
                    bytes += readPack(p);
                    read++;
                }
            }
            return new CheckResult(snapshots.size(), indexFiles.size(), indexedPacks.size(), index.size(), read, bytes,
                    walFiles, problems, notes);
        }

        /** Reports every run of WAL segments missing from the chain that base backups need; returns the WAL files seen. */
        private int checkWalChain(List<Snapshot> snapshots) {
            List<WalArchive.WalFile> files = new WalArchive(storage, repo.codec()).list();
            List<WalChain.BaseBackup> backups = snapshots.stream().flatMap(s -> WalChain.BaseBackup.of(s).stream()).toList();
            for (WalChain.Gap g : WalChain.gaps(files, backups)) {
                String which = g.count() == 1 ? "WAL segment " + g.first() + " is missing"
                        : g.count() + " WAL segments are missing, " + g.first() + " to " + g.last();
                problems.add(new Problem(g.object(), which + " (system " + g.systemId() + ", timeline " + g.timeline()
                        + "): point-in-time recovery cannot replay past it", g.affectedSnapshots()));
            }
            return files.size();
        }

        private void readIndexFiles(List<ObjectInfo> files) {
            for (ObjectInfo o : files) {
                try {
                    IndexFile f = IndexFile.open(repo.codec(), o.handle().name(), storage.get(o.handle()));
                    f.packs().forEach((pack, entries) -> {
                        index.addPack(pack, entries);
                        indexedPacks.putIfAbsent(pack, entries);
                    });
                } catch (LifeboatException e) {
                    problems.add(new Problem(o.handle().path(), e.getMessage(), List.of()));
                }
            }
        }

        private Map<PackId, ObjectInfo> storedPacks() {
            Map<PackId, ObjectInfo> out = new HashMap<>();
            for (ObjectInfo o : storage.list(ObjectKind.DATA)) {
                try {
                    out.put(PackId.parse(o.handle().name()), o);
                } catch (IllegalArgumentException e) {
                    notes.add(o.handle().path() + ": not a pack name, ignored");
                }
            }
            return out;
        }

        private void checkPacksExist(Map<PackId, ObjectInfo> stored) {
            for (Map.Entry<PackId, List<PackEntry>> e : indexedPacks.entrySet()) {
                ObjectInfo info = stored.get(e.getKey());
                String name = Handle.of(ObjectKind.DATA, e.getKey().hex()).path();
                if (info == null) {
                    problems.add(new Problem(name, "pack " + e.getKey().hex() + " is listed in the index but missing from storage",
                            List.of()));
                    continue;
                }
                long dataEnd = e.getValue().stream().mapToLong(p -> (long) p.offset() + p.length()).max().orElse(0);
                if (info.size() < dataEnd) {
                    problems.add(new Problem(name, "pack " + e.getKey().hex() + " is truncated: " + info.size()
                            + " bytes stored, the index needs at least " + dataEnd, List.of()));
                }
            }
            long orphans = stored.keySet().stream().filter(p -> !indexedPacks.containsKey(p)).count();
            if (orphans > 0) {
                notes.add(orphans + " pack(s) are not referenced by any index (left by interrupted backups); "
                        + "they are harmless and only take space until 'lifeboat prune' removes them");
            }
        }

        private List<Snapshot> readSnapshots() {
            List<Snapshot> out = new ArrayList<>();
            for (ObjectInfo o : storage.list(ObjectKind.SNAPSHOT)) {
                Snapshot s;
                try {
                    s = repo.loadSnapshot(SnapshotId.parse(o.handle().name()));
                } catch (LifeboatException | IllegalArgumentException e) {
                    problems.add(new Problem(o.handle().path(), e.getMessage(), List.of(o.handle().name())));
                    continue;
                }
                out.add(s);
                progress.onProgress(new Progress("check snapshots", out.size(), -1, 0, -1, s.id().shortHex()));
                walk(s, s.root(), "/", new HashSet<>());
            }
            return out;
        }

        private void walk(Snapshot s, BlobId treeId, String path, Set<BlobId> seen) {
            if (!seen.add(treeId)) {
                return;
            }
            String sid = s.id().hex();
            if (!referenced(sid, treeId, "tree of " + path)) {
                return;
            }
            Tree tree;
            try {
                tree = TreeCodec.decode(treeId, repo.readBlob(treeId));
            } catch (LifeboatException e) {
                BlobLocation loc = index.lookup(treeId).orElseThrow();
                problems.add(new Problem(Handle.of(ObjectKind.DATA, loc.pack().hex()).path(),
                        "tree " + treeId.shortHex() + " (" + path + "): " + e.getMessage(), List.of(sid)));
                return;
            }
            for (Node n : tree.nodes()) {
                String p = path + n.name();
                for (BlobId b : n.content()) {
                    if (!referenced(sid, b, p)) {
                        break;
                    }
                }
                if (n.type() == NodeType.DIRECTORY) {
                    walk(s, n.subtree(), p + "/", seen);
                }
            }
        }

        /** Records that {@code snapshot} needs {@code blob}; reports it when no index lists it. */
        private boolean referenced(String snapshot, BlobId blob, String what) {
            var loc = index.lookup(blob);
            if (loc.isEmpty()) {
                problems.add(new Problem("snapshots/" + snapshot, "blob " + blob.hex() + " (" + what
                        + ") is not in any index", List.of(snapshot)));
                return false;
            }
            snapshotsByPack.computeIfAbsent(loc.get().pack(), k -> new TreeSet<>()).add(snapshot);
            return true;
        }

        private List<PackId> choosePacks() {
            List<PackId> all = new ArrayList<>(indexedPacks.keySet());
            if (options.readDataPercent() >= 100) {
                return all;
            }
            java.util.Collections.shuffle(all, random);
            int n = (int) Math.max(1, Math.ceil(all.size() * options.readDataPercent() / 100.0));
            return all.subList(0, Math.min(n, all.size()));
        }

        private long readPack(PackId pack) {
            Handle h = Handle.of(ObjectKind.DATA, pack.hex());
            List<String> affected = List.copyOf(snapshotsByPack.getOrDefault(pack, Set.of()));
            byte[] bytes;
            try {
                bytes = storage.get(h);
            } catch (LifeboatException e) {
                problems.add(new Problem(h.path(), e.getMessage(), affected));
                return 0;
            }
            List<String> found = new ArrayList<>(new PackVerifier(repo.codec()).verify(pack, bytes));
            if (found.isEmpty()) {
                compareWithIndex(pack, bytes, found);
            }
            for (String f : found) {
                problems.add(new Problem(h.path(), f, affected));
            }
            return bytes.length;
        }

        private void compareWithIndex(PackId pack, byte[] bytes, List<String> found) {
            Set<String> header = new HashSet<>();
            for (PackEntry e : PackHeader.read(repo.codec(), pack, bytes)) {
                header.add(e.id().hex() + "@" + e.offset() + "+" + e.length());
            }
            for (PackEntry e : indexedPacks.getOrDefault(pack, List.of())) {
                if (!header.contains(e.id().hex() + "@" + e.offset() + "+" + e.length())) {
                    found.add("pack " + pack.hex() + ": the index places blob " + e.id().hex()
                            + " where the pack header does not");
                }
            }
        }
    }
}
