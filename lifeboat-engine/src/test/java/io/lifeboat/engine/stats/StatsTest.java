package io.lifeboat.engine.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.id.SnapshotId;
import io.lifeboat.core.progress.Progress;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.source.ChunkingProfile;
import io.lifeboat.core.source.StoredContent;
import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectInfo;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.core.tree.Node;
import io.lifeboat.core.tree.NodeType;
import io.lifeboat.core.tree.Tree;
import io.lifeboat.engine.stats.StatsResult.KindUsage;
import io.lifeboat.engine.stats.StatsResult.SourceUsage;
import io.lifeboat.repository.BackupWriter;
import io.lifeboat.repository.ClientContext;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.crypto.BlobCodec;
import io.lifeboat.repository.crypto.KdfParams;
import io.lifeboat.repository.lock.LockPolicy;
import io.lifeboat.repository.pack.BlobType;
import io.lifeboat.repository.snapshot.Snapshot;
import io.lifeboat.testkit.storage.InMemoryStorage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Stats on a repository built blob by blob, so every figure is known in advance: two sources
 * sharing data (a whole directory tree), a directory that occurs twice in one snapshot, and a
 * forgotten snapshot whose data only prune would reclaim. Random contents do not compress, so
 * each data blob is stored as its length plus {@link BlobCodec#RAW_OVERHEAD}; tree blobs are
 * small JSON whose stored length is read from the index.
 */
class StatsTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final int RAW = BlobCodec.RAW_OVERHEAD;

    private final InMemoryStorage storage = new InMemoryStorage();
    private final Repository repo = Repository.init(storage, "pw".toCharArray(), KdfParams.FAST, 1 << 20,
            new ClientContext("host-a", "alice", Clock.fixed(T0, ZoneOffset.UTC), LockPolicy.DEFAULT));
    private final SplittableRandom random = new SplittableRandom(42);

    private BlobId x, y, z, w, u;
    private BlobId docs, dirNew, rootA1, rootA2, rootB1, rootF;
    private SnapshotId forgotten;

    private Node file(BackupWriter writer, String name, int size) throws IOException {
        byte[] data = new byte[size];
        random.nextBytes(data);
        StoredContent c = writer.storeContent(new ByteArrayInputStream(data));
        assertThat(c.blobs()).as("one chunk per file below the minimum chunk size").hasSize(1);
        return new Node(name, NodeType.FILE, 0644, 0, 0, T0, size, 1, 1, null, c.blobs(), null);
    }

    private static Node dir(String name, BlobId subtree) {
        return new Node(name, NodeType.DIRECTORY, 0755, 0, 0, T0, 0, 2, 1, null, null, subtree);
    }

    private static Node sameContent(String name, Node of) {
        return new Node(name, NodeType.FILE, 0644, 0, 0, T0, of.size(), 3, 1, null, of.content(), null);
    }

    private SnapshotId snapshot(String host, String identity, int minute, BlobId root) {
        return repo.saveSnapshot(new Snapshot(null, T0.plusSeconds(60L * minute), host, "alice", "files", identity,
                List.of(identity), List.of(), null, root, Map.of(), null, null, "test"));
    }

    /**
     * A1 (host-a /srv): docs/{x 100000, y 50000}. A2 (host-a /srv): docs/ unchanged, new/{z 30000,
     * x-again = x}. B1 (host-b /data): m1/ and m2/ both the docs tree of A, w 20000. F (host-a /srv):
     * u 10000, forgotten.
     */
    @BeforeEach
    void constructedRepository() throws IOException {
        try (BackupWriter writer = repo.newWriter(ChunkingProfile.FILES, ProgressListener.NONE)) {
            Node nx = file(writer, "x", 100_000);
            Node ny = file(writer, "y", 50_000);
            Node nz = file(writer, "z", 30_000);
            Node nw = file(writer, "w", 20_000);
            Node nu = file(writer, "u", 10_000);
            x = nx.content().get(0);
            y = ny.content().get(0);
            z = nz.content().get(0);
            w = nw.content().get(0);
            u = nu.content().get(0);
            docs = writer.storeTree(new Tree(List.of(nx, ny)));
            dirNew = writer.storeTree(new Tree(List.of(nz, sameContent("x-again", nx))));
            rootA1 = writer.storeTree(new Tree(List.of(dir("docs", docs))));
            rootA2 = writer.storeTree(new Tree(List.of(dir("docs", docs), dir("new", dirNew))));
            rootB1 = writer.storeTree(new Tree(List.of(dir("m1", docs), dir("m2", docs), nw)));
            rootF = writer.storeTree(new Tree(List.of(nu)));
            writer.flush();
        }
        snapshot("host-a", "/srv", 0, rootA1);
        snapshot("host-a", "/srv", 1, rootA2);
        snapshot("host-b", "/data", 2, rootB1);
        forgotten = snapshot("host-a", "/srv", 3, rootF);
        repo.removeSnapshot(forgotten);
    }

    private long stored(BlobId... ids) {
        long sum = 0;
        for (BlobId id : ids) {
            sum += repo.index().lookup(id).orElseThrow().length();
        }
        return sum;
    }

    @Test
    void statsCountLogicalAndStoredBytesPerSourceAndTheUnreferencedBlobs() {
        List<Progress> seen = new ArrayList<>();

        StatsResult r = new Stats(repo).run(seen::add);

        assertThat(r.snapshots()).isEqualTo(3);
        assertThat(r.logicalBytes()).isEqualTo(150_000 + 280_000 + 320_000);
        assertThat(r.sources()).containsExactly(
                new SourceUsage("host-a", "files", "/srv", 2, 150_000 + 280_000, 7,
                        100_000 + 50_000 + 30_000 + 3L * RAW + stored(rootA1, rootA2, docs, dirNew)),
                new SourceUsage("host-b", "files", "/data", 1, 2 * 150_000 + 20_000, 5,
                        100_000 + 50_000 + 20_000 + 3L * RAW + stored(rootB1, docs)));
        assertThat(r.blobs()).isEqualTo(11);
        assertThat(r.dataBlobs()).isEqualTo(5);
        assertThat(r.treeBlobs()).isEqualTo(6);
        assertThat(r.unreferencedBlobs()).isEqualTo(2);
        assertThat(r.unreferencedBytes()).isEqualTo(10_000 + RAW + stored(rootF));
        assertThat(repo.index().lookup(u).orElseThrow().type()).isEqualTo(BlobType.DATA);

        List<ObjectInfo> packs = storage.list(ObjectKind.DATA);
        long packBytes = packs.stream().mapToLong(ObjectInfo::size).sum();
        assertThat(r.packs()).as("one data pack and one tree pack").isEqualTo(2).isEqualTo(packs.size());
        assertThat(r.packBytes()).isEqualTo(packBytes)
                .isGreaterThan(210_000 + 5L * RAW + stored(docs, dirNew, rootA1, rootA2, rootB1, rootF));
        assertThat(r.deduplicationRatio()).isCloseTo(750_000.0 / packBytes, within(1e-12));
        assertThat(r.unindexedPacks()).isZero();
        assertThat(r.warnings()).isEmpty();
        assertThat(seen).isNotEmpty().allSatisfy(p -> assertThat(p.phase()).isEqualTo("stats"));
    }

    @Test
    void storageIsReportedPerObjectKindIncludingTheStatsLock() {
        StatsResult r = new Stats(repo).run(ProgressListener.NONE);

        Map<String, KindUsage> byKind = new HashMap<>();
        r.storage().forEach(k -> byKind.put(k.kind(), k));
        assertThat(r.storage()).extracting(KindUsage::kind)
                .containsExactly("config", "keys", "data", "index", "snapshots", "locks", "wal", "holds");
        assertThat(byKind.get("snapshots").objects()).isEqualTo(3);
        assertThat(byKind.get("snapshots").bytes())
                .isEqualTo(storage.list(ObjectKind.SNAPSHOT).stream().mapToLong(ObjectInfo::size).sum());
        assertThat(byKind.get("data").objects()).isEqualTo(2);
        assertThat(byKind.get("config").objects()).isEqualTo(1);
        assertThat(byKind.get("keys").objects()).isEqualTo(1);
        assertThat(byKind.get("locks").objects()).as("its own shared lock").isEqualTo(1);
        assertThat(byKind.get("wal").objects()).isZero();
        long all = 0;
        for (ObjectKind k : ObjectKind.values()) {
            all += storage.list(k).stream().mapToLong(ObjectInfo::size).sum();
        }
        assertThat(r.totalBytes()).as("everything but the lock, which is gone again")
                .isEqualTo(all + byKind.get("locks").bytes());
        assertThat(storage.list(ObjectKind.LOCK)).as("lock released").isEmpty();
    }

    @Test
    void aPackNoIndexListsIsCountedAsUnindexed() {
        byte[] stray = new byte[12_345];
        random.nextBytes(stray);
        String id = "ab".repeat(32);
        storage.put(Handle.of(ObjectKind.DATA, id), stray);

        StatsResult r = new Stats(repo).run(ProgressListener.NONE);

        assertThat(r.unindexedPacks()).isEqualTo(1);
        assertThat(r.unindexedPackBytes()).isEqualTo(12_345);
        assertThat(r.packs()).isEqualTo(3);
        assertThat(r.unreferencedBlobs()).as("blobs are counted from the index only").isEqualTo(2);
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void anUnreadableTreeIsAWarningAndItsContentIsLeftOut() {
        var treeLocation = repo.index().lookup(docs).orElseThrow();
        storage.delete(Handle.of(ObjectKind.DATA, treeLocation.pack().hex()));

        StatsResult r = new Stats(repo).run(ProgressListener.NONE);

        assertThat(r.logicalBytes()).isZero();
        assertThat(r.warnings()).hasSize(3).allSatisfy(wn -> assertThat(wn).contains("cannot be read"));
        assertThat(r.packs()).isEqualTo(1);
    }
}
