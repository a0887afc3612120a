package io.lifeboat.source.qdrant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.source.BackupOutcome;
import io.lifeboat.qdrant.standin.CollectionConfig;
import io.lifeboat.qdrant.standin.Point;
import io.lifeboat.qdrant.standin.PointId;
import io.lifeboat.qdrant.standin.QdrantCollection;
import io.lifeboat.qdrant.standin.QdrantStandIn;
import io.lifeboat.qdrant.standin.StandInConfig;
import io.lifeboat.qdrant.standin.VectorParams;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Qdrant source and restore target against the stand-in, with an in-memory repository. */
class QdrantSourceIT {
    private static final String KEY = "s3cr3t-qdrant-key-4711";
    private static final String READ_ONLY = "read-only-key-0815";

    @TempDir
    Path tmp;

    private final List<QdrantStandIn> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(QdrantStandIn::close);
    }

    private QdrantStandIn start(StandInConfig config) {
        QdrantStandIn s = QdrantStandIn.start(config);
        servers.add(s);
        return s;
    }

    static List<Point> points(Random random, int n, CollectionConfig config) {
        List<Point> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            PointId id = i % 10 == 9 ? PointId.of(new UUID(random.nextLong(), random.nextLong())) : PointId.of(i * 3L);
            Map<String, float[]> vectors = new LinkedHashMap<>();
            config.vectors().forEach((name, params) -> {
                float[] v = new float[params.size()];
                for (int j = 0; j < v.length; j++) {
                    v[j] = random.nextFloat() * 2 - 1;
                }
                vectors.put(name, v);
            });
            ObjectNode payload = null;
            if (i % 7 != 0) {
                payload = JsonNodeFactory.instance.objectNode();
                payload.put("document_id", "doc-" + i);
                payload.put("score", random.nextDouble());
                payload.putArray("tags").add("t" + random.nextInt(5)).add(i);
                payload.putObject("meta").put("chunk", i % 13).putNull("none");
            }
            out.add(new Point(id, vectors, payload));
        }
        return out;
    }

    private QdrantEndpoint endpoint(QdrantStandIn s, String key) {
        return QdrantEndpoint.of(s.url(), key == null ? null : QdrantApiKey.of(key)).withRetries(4, Duration.ofMillis(5));
    }

    private QdrantSource source(QdrantEndpoint e, String collection) {
        return new QdrantSource(new QdrantSourceConfig(e, collection, 50, new PendingSnapshots(tmp.resolve("pending"))),
                Clock.systemUTC());
    }

    private QdrantCollection fill(QdrantStandIn s, String name, CollectionConfig cfg, int n, long seed) {
        QdrantCollection c = s.createCollection(name, cfg);
        c.upsert(points(new Random(seed), n, cfg));
        return c;
    }

    @Test
    void roundTripRestoresEveryPointIntoTheSameAndANewName() {
        QdrantStandIn s = start(StandInConfig.defaults());
        QdrantCollection single = fill(s, "docs", CollectionConfig.single(16, "Dot"), 700, 1);
        QdrantCollection named = fill(s, "multi", CollectionConfig.named(Map.of("text", new VectorParams(8, "Cosine"),
                "image", new VectorParams(4, "Euclid"))), 300, 2);
        for (QdrantCollection c : List.of(single, named)) {
            List<Point> before = c.points();
            MemorySink sink = new MemorySink();
            BackupOutcome out = source(endpoint(s, null), c.name()).backup(sink, Optional.empty());
            assertThat(out.warnings()).isEmpty();
            assertThat(out.metadata()).containsEntry("points_count", (long) before.size()).containsEntry("qdrant_version", "1.19.0");
            assertThat(s.snapshotFiles()).as("server-side snapshot deleted after the backup").isEmpty();
            QdrantSnapshotMetadata rec = QdrantSnapshotMetadata.fromMap(out.metadata());
            assertThat(rec.sample().ids()).hasSize(50);

            for (String target : List.of(c.name() + "_copy", c.name())) {
                QdrantRestoreReport r = new QdrantRestoreTarget(new QdrantRestoreConfig(endpoint(s, null), target, "snapshot", rec))
                        .restoreCollection(out.root(), sink);
                assertThat(r.warnings()).isEmpty();
                assertThat(r.restoredPoints()).isEqualTo(before.size());
                assertThat(r.sampleMismatches()).isZero();
                assertThat(r.uploadedSnapshotRemoved()).isTrue();
                assertThat(s.collection(target).orElseThrow().points()).as("points of %s", target).isEqualTo(before);
                assertThat(s.lastRecoveryPriority()).isEqualTo("snapshot");
                assertThat(s.snapshotFiles()).as("uploaded snapshot removed").isEmpty();
            }
        }
    }

    @Test
    void restoreReportsChangedPointsAsMismatches() {
        QdrantStandIn s = start(StandInConfig.defaults());
        QdrantCollection c = fill(s, "docs", CollectionConfig.single(4, "Dot"), 40, 3);
        MemorySink sink = new MemorySink();
        BackupOutcome out = source(endpoint(s, null), "docs").backup(sink, Optional.empty());
        QdrantSnapshotMetadata rec = QdrantSnapshotMetadata.fromMap(out.metadata());
        // Pretend the backup had recorded one more point and another hash for the first sampled one.
        List<String> hashes = new ArrayList<>(rec.sample().hashes());
        hashes.set(0, "0".repeat(64));
        QdrantSnapshotMetadata wrong = new QdrantSnapshotMetadata(rec.url(), rec.collection(), rec.qdrantVersion(),
                rec.pointsCount() + 1, rec.snapshotSize(), rec.snapshotSha256(), rec.snapshotName(), null,
                new PointSample(rec.sample().ids(), hashes));
        QdrantRestoreReport r = new QdrantRestoreTarget(new QdrantRestoreConfig(endpoint(s, null), "other", "no_sync", wrong))
                .restoreCollection(out.root(), sink);
        assertThat(r.mismatches()).isEqualTo(2);
        assertThat(r.warnings()).hasSize(2).anySatisfy(w -> assertThat(w).contains("41 recorded"));
        assertThat(s.lastRecoveryPriority()).isEqualTo("no_sync");
        assertThat(c.points()).hasSize(40);
    }

    @Test
    void wrongChecksumIsRefusedAndChangesNothing() {
        QdrantStandIn s = start(StandInConfig.defaults());
        fill(s, "docs", CollectionConfig.single(4, "Dot"), 30, 4);
        MemorySink sink = new MemorySink();
        BackupOutcome out = source(endpoint(s, null), "docs").backup(sink, Optional.empty());
        QdrantSnapshotMetadata rec = QdrantSnapshotMetadata.fromMap(out.metadata());
        QdrantSnapshotMetadata bad = new QdrantSnapshotMetadata(rec.url(), rec.collection(), rec.qdrantVersion(),
                rec.pointsCount(), rec.snapshotSize(), "ab".repeat(32), rec.snapshotName(), null, rec.sample());
        List<Point> other = points(new Random(5), 10, CollectionConfig.single(4, "Dot"));
        s.createCollection("target", CollectionConfig.single(4, "Dot")).upsert(other);
        assertThatThrownBy(() -> new QdrantRestoreTarget(new QdrantRestoreConfig(endpoint(s, null), "target", "snapshot", bad))
                .restoreCollection(out.root(), sink))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.getMessage()).contains("checksum mismatch"));
        assertThat(s.collection("target").orElseThrow().points()).isEqualTo(other);
        assertThat(s.snapshotFiles()).isEmpty();
    }

    @Test
    void aSnapshotTheServerCannotRecoverIsUploadedOnceAndChangesNothing() throws Exception {
        QdrantStandIn s = start(StandInConfig.defaults());
        List<Point> existing = points(new Random(15), 10, CollectionConfig.single(4, "Dot"));
        s.createCollection("docs", CollectionConfig.single(4, "Dot")).upsert(existing);
        MemorySink sink = new MemorySink();
        byte[] garbage = new byte[5000];
        new Random(16).nextBytes(garbage);
        io.lifeboat.core.source.StoredContent content = sink.storeContent(new java.io.ByteArrayInputStream(garbage));
        io.lifeboat.core.id.BlobId root = sink.storeTree(new io.lifeboat.core.tree.Tree(List.of(io.lifeboat.core.tree.Node.stream(
                QdrantSource.SNAPSHOT_NODE, content.size(), java.time.Instant.EPOCH, content.blobs()))));
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(garbage));
        QdrantSnapshotMetadata rec = new QdrantSnapshotMetadata(s.url().toString(), "docs", "1.19.0", 10, garbage.length, sha,
                "docs.snapshot", null, new PointSample(List.of(), List.of()));
        assertThatThrownBy(() -> new QdrantRestoreTarget(new QdrantRestoreConfig(endpoint(s, null), "docs", "snapshot", rec))
                .restoreCollection(root, sink))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.getMessage()).contains("HTTP 500"));
        assertThat(s.requests()).filteredOn(r -> r.contains("/snapshots/upload")).hasSize(1);
        assertThat(s.collection("docs").orElseThrow().points()).isEqualTo(existing);
        assertThat(s.snapshotFiles()).isEmpty();
    }

    @Test
    void refusesANewerServerBeforeUploading() {
        QdrantStandIn old = start(StandInConfig.defaults().withVersion("1.17.2"));
        fill(old, "docs", CollectionConfig.single(4, "Dot"), 10, 6);
        MemorySink sink = new MemorySink();
        BackupOutcome out = source(endpoint(old, null), "docs").backup(sink, Optional.empty());
        QdrantSnapshotMetadata rec = QdrantSnapshotMetadata.fromMap(out.metadata());
        QdrantStandIn newer = start(StandInConfig.defaults().withVersion("1.19.0"));
        assertThatThrownBy(() -> new QdrantRestoreTarget(new QdrantRestoreConfig(endpoint(newer, null), "docs", "snapshot", rec))
                .restoreCollection(out.root(), sink))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.REFUSED);
                    assertThat(e.getMessage()).contains("1.17.2", "1.19.0");
                });
        assertThat(newer.requests()).noneMatch(r -> r.contains("upload"));
        QdrantStandIn next = start(StandInConfig.defaults().withVersion("1.18.0"));
        QdrantRestoreReport r = new QdrantRestoreTarget(new QdrantRestoreConfig(endpoint(next, null), "docs", "snapshot", rec))
                .restoreCollection(out.root(), sink);
        assertThat(r.restoredPoints()).isEqualTo(10);
    }

    @Test
    void transientFailuresAreRetriedAndClientErrorsAreNot() {
        QdrantStandIn s = start(StandInConfig.defaults());
        fill(s, "docs", CollectionConfig.single(4, "Dot"), 200, 7);
        s.faults().failNext(2, 503).resetNext(1);
        s.faults().add("POST", "/collections/docs/snapshots", 1, new io.lifeboat.qdrant.standin.Faults.Fault.Status(502, "bad gateway"));
        BackupOutcome out = source(endpoint(s, null), "docs").backup(new MemorySink(), Optional.empty());
        assertThat(out.metadata()).containsEntry("points_count", 200L);
        assertThat(s.requests()).anyMatch(r -> r.endsWith("-> 503")).anyMatch(r -> r.endsWith("-> reset"));
        assertThat(s.snapshotFiles()).isEmpty();

        s.faults().failNext(1, 400);
        int before = s.requests().size();
        assertThatThrownBy(() -> source(endpoint(s, null), "docs").backup(new MemorySink(), Optional.empty()))
                .isInstanceOf(LifeboatException.class).hasMessageContaining("HTTP 400");
        assertThat(s.requests().size() - before).as("a 4xx is not retried").isEqualTo(1);
    }

    @Test
    void aCutDownloadResumesOnceAndFailsWhenItKeepsBreaking() {
        QdrantStandIn s = start(StandInConfig.defaults());
        fill(s, "docs", CollectionConfig.single(64, "Dot"), 3000, 8);
        s.faults().cutDownloads(1, 100_000);
        MemorySink sink = new MemorySink();
        BackupOutcome out = source(endpoint(s, null), "docs").backup(sink, Optional.empty());
        long size = ((Number) out.metadata().get("snapshot_size")).longValue();
        assertThat(sink.blobs.values()).anySatisfy(b -> assertThat((long) b.length).isEqualTo(size));
        assertThat(s.requests()).as("resumed with a Range request")
                .anyMatch(r -> r.startsWith("GET /collections/docs/snapshots/") && r.endsWith("-> 206"));

        s.faults().cutDownloads(10, 50_000);
        assertThatThrownBy(() -> source(endpoint(s, null), "docs").backup(new MemorySink(), Optional.empty()))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_ERROR);
                    assertThat(e.getMessage()).contains("docs", "failed at byte");
                });
        assertThat(s.snapshotFiles()).as("no server-side snapshot left after a failed download").isEmpty();
    }

    @Test
    void aStalledDownloadIsRetriedThenFailsAndASlowOneIsNot() {
        QdrantStandIn s = start(StandInConfig.defaults());
        fill(s, "docs", CollectionConfig.single(64, "Dot"), 3000, 9);
        s.faults().slowDownloads(16 * 1024); // the first 64 KiB write comes after 4 s
        QdrantEndpoint stalling = endpoint(s, null).withStallTimeout(Duration.ofMillis(300));
        assertThatThrownBy(() -> source(stalling, "docs").backup(new MemorySink(), Optional.empty()))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_ERROR);
                    assertThat(e.getMessage()).contains("failed at byte 0", "after 4 attempts", "300 ms",
                            "the connection looks stalled");
                });
        assertThat(s.snapshotFiles()).as("no server-side snapshot left after a stalled download").isEmpty();

        s.faults().slowDownloads(2 * 1024 * 1024); // slow but moving: a read never waits 2 s
        MemorySink sink = new MemorySink();
        BackupOutcome out = source(endpoint(s, null).withStallTimeout(Duration.ofSeconds(2)), "docs").backup(sink, Optional.empty());
        long size = ((Number) out.metadata().get("snapshot_size")).longValue();
        assertThat(sink.blobs.values()).anySatisfy(b -> assertThat((long) b.length).isEqualTo(size));
    }

    @Test
    void accessErrorsAreClearAndNeverShowTheKey() {
        QdrantStandIn s = start(StandInConfig.defaults().withApiKeys(KEY, READ_ONLY));
        fill(s, "docs", CollectionConfig.single(4, "Dot"), 10, 9);
        assertThatThrownBy(() -> source(endpoint(s, null), "docs").backup(new MemorySink(), Optional.empty()))
                .hasMessageContaining("API key missing (401").hasMessageNotContaining(KEY);
        assertThatThrownBy(() -> source(endpoint(s, "wrong-" + KEY), "docs").backup(new MemorySink(), Optional.empty()))
                .hasMessageContaining("API key rejected (401").hasMessageNotContaining(KEY)
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.hint()).contains("--api-key-file"));
        assertThatThrownBy(() -> source(endpoint(s, READ_ONLY), "docs").backup(new MemorySink(), Optional.empty()))
                .hasMessageContaining("forbidden (403").hasMessageNotContaining(READ_ONLY)
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.hint()).contains("read-write"));
        assertThatThrownBy(() -> source(endpoint(s, KEY), "nope").backup(new MemorySink(), Optional.empty()))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                    assertThat(e.getMessage()).contains("collection nope", "404");
                });
        s.faults().insufficientStorageOnSnapshot(1);
        assertThatThrownBy(() -> source(endpoint(s, KEY), "docs").backup(new MemorySink(), Optional.empty()))
                .hasMessageContaining("disk is full (507").hasMessageContaining("collection docs");
        assertThat(s.snapshotFiles()).isEmpty();
        BackupOutcome ok = source(endpoint(s, KEY), "docs").backup(new MemorySink(), Optional.empty());
        assertThat(ok.metadata()).containsEntry("points_count", 10L);
    }

    @Test
    void aStaleSnapshotOfAKilledBackupIsDeletedByTheNextOne() throws Exception {
        QdrantStandIn s = start(StandInConfig.defaults());
        fill(s, "docs", CollectionConfig.single(4, "Dot"), 10, 10);
        PendingSnapshots journal = new PendingSnapshots(tmp.resolve("pending"));
        QdrantClient.SnapshotFile left;
        try (QdrantClient client = new QdrantClient(endpoint(s, null))) {
            left = client.createSnapshot("docs"); // as a killed backup leaves it
        }
        journal.add(new PendingSnapshots.Entry(s.url().toString(), "docs", left.name(), deadPid()));
        // A backup still running (this process) has its snapshot in the journal too: never touched.
        journal.add(new PendingSnapshots.Entry(s.url().toString(), "docs", "docs-in-progress.snapshot", ProcessHandle.current().pid()));
        s.createCollection("user", CollectionConfig.single(4, "Dot"));
        try (QdrantClient client = new QdrantClient(endpoint(s, null))) {
            client.createSnapshot("user"); // somebody else's snapshot: never touched
        }
        assertThat(s.snapshotFiles()).hasSize(2);
        source(endpoint(s, null), "docs").backup(new MemorySink(), Optional.empty());
        assertThat(s.snapshotFiles()).hasSize(1).allSatisfy(p -> assertThat(p.getFileName().toString()).startsWith("user-"));
        assertThat(journal.orphans(s.url().toString())).isEmpty();
        assertThat(java.nio.file.Files.readString(tmp.resolve("pending"))).as("a running backup's entry is kept")
                .contains("docs-in-progress.snapshot").doesNotContain(left.name() + "\t");
        assertThat(s.requests()).noneMatch(r -> r.contains("docs-in-progress"));
    }

    @Test
    void anUnwritableJournalIsAWarningAndTheSnapshotIsStillDeleted() throws Exception {
        QdrantStandIn s = start(StandInConfig.defaults());
        fill(s, "docs", CollectionConfig.single(4, "Dot"), 10, 14);
        Path notADirectory = java.nio.file.Files.writeString(tmp.resolve("file"), "x");
        QdrantSource source = new QdrantSource(new QdrantSourceConfig(endpoint(s, null), "docs", 5,
                new PendingSnapshots(notADirectory.resolve("pending"))), Clock.systemUTC());
        BackupOutcome out = source.backup(new MemorySink(), Optional.empty());
        assertThat(out.metadata()).containsEntry("points_count", 10L);
        assertThat(out.warnings()).isNotEmpty().allSatisfy(w -> assertThat(w).contains("journal"));
        assertThat(s.snapshotFiles()).isEmpty();
    }

    /** A pid that runs no process: a short-lived child's, after it exited. */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    /**
     * The backup treats a snapshot as opaque bytes (it never parses the tar), so a real Qdrant
     * snapshot, old-GNU tar with sparse entries, must come through a broken and resumed download
     * byte for byte.
     */
    @Test
    void aRealSnapshotTarComesThroughAResumedDownloadByteForByte() throws Exception {
        Path sample = io.lifeboat.testkit.qdrant.QdrantReference.file("sample-shard.snapshot");
        QdrantStandIn s = start(StandInConfig.defaults());
        s.createCollection("docs", CollectionConfig.single(4, "Dot"));
        byte[] bytes = java.nio.file.Files.readAllBytes(sample);
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        Path folder = java.nio.file.Files.createDirectories(s.snapshotFolder().resolve("docs"));
        java.nio.file.Files.write(folder.resolve("sample-shard.snapshot"), bytes);
        java.nio.file.Files.writeString(folder.resolve("sample-shard.snapshot.checksum"), sha);
        try (QdrantClient client = new QdrantClient(endpoint(s, null))) {
            QdrantClient.SnapshotFile listed = client.listSnapshots("docs").get(0);
            assertThat(listed.checksum()).isEqualTo(sha);
            s.faults().cutDownloads(2, 3000);
            MemorySink sink = new MemorySink();
            try (ResumingDownload in = new ResumingDownload(client, "docs", listed.name(), listed.size())) {
                sink.storeContent(in);
            }
            assertThat(sink.blobs.values()).singleElement().satisfies(b -> assertThat(b).isEqualTo(bytes));
            assertThat(bytes).hasSize(10240);
            assertThat(new String(bytes, 257, 5, java.nio.charset.StandardCharsets.US_ASCII)).as("old-GNU magic").isEqualTo("ustar");
        }
    }

    @Test
    void aClusterIsBackedUpNodeByNodeAndRefusedWhenANodeIsMissing() {
        Map<Long, String> peers = Map.of(1L, "http://node-1:6335/", 2L, "http://node-2:6335/");
        QdrantStandIn a = start(StandInConfig.defaults().withCluster(1, peers));
        QdrantStandIn b = start(StandInConfig.defaults().withCluster(2, peers));
        QdrantStandIn alone = start(StandInConfig.defaults());
        assertThat(QdrantNodes.check(List.of(endpoint(alone, null))).clustered()).isFalse();
        assertThatThrownBy(() -> QdrantNodes.check(List.of(endpoint(a, null))))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.REFUSED);
                    assertThat(e.getMessage()).contains("cluster of 2 peers", "peer(s) [2]");
                });
        assertThatThrownBy(() -> QdrantNodes.check(List.of(endpoint(a, null), endpoint(alone, null))))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE));
        QdrantNodes nodes = QdrantNodes.check(List.of(endpoint(a, null), endpoint(b, null)));
        assertThat(nodes.clustered()).isTrue();
        assertThat(nodes.peerIds()).containsExactly(1L, 2L);

        // Each node holds its own shards of the collection: each is backed up and restored on its own.
        List<Point> onA = points(new Random(11), 60, CollectionConfig.single(4, "Dot"));
        List<Point> onB = points(new Random(12), 40, CollectionConfig.single(4, "Dot"));
        a.createCollection("docs", CollectionConfig.single(4, "Dot")).upsert(onA);
        b.createCollection("docs", CollectionConfig.single(4, "Dot")).upsert(onB);
        for (QdrantStandIn node : List.of(a, b)) {
            List<Point> before = node.collection("docs").orElseThrow().points();
            assertThat(before).hasSize(node == a ? onA.size() : onB.size());
            MemorySink sink = new MemorySink();
            BackupOutcome out = source(endpoint(node, null), "docs").backup(sink, Optional.empty());
            assertThat(out.metadata()).containsEntry("cluster_enabled", true)
                    .containsEntry("peer_id", node == a ? 1L : 2L);
            node.collection("docs").orElseThrow().upsert(points(new Random(13), 5, CollectionConfig.single(4, "Dot")));
            QdrantSnapshotMetadata rec = QdrantSnapshotMetadata.fromMap(out.metadata());
            QdrantRestoreReport r = new QdrantRestoreTarget(new QdrantRestoreConfig(endpoint(node, null), "docs", "snapshot", rec))
                    .restoreCollection(out.root(), sink);
            assertThat(r.mismatches()).isZero();
            assertThat(node.collection("docs").orElseThrow().points()).isEqualTo(before);
        }
    }
}
