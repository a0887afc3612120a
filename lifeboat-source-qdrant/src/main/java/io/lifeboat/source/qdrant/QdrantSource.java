package io.lifeboat.source.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.progress.Progress;
import io.lifeboat.core.source.BackupOutcome;
import io.lifeboat.core.source.BackupSink;
import io.lifeboat.core.source.ChunkingProfile;
import io.lifeboat.core.source.Source;
import io.lifeboat.core.source.SourceDescriptor;
import io.lifeboat.core.source.StoredContent;
import io.lifeboat.core.tree.Node;
import io.lifeboat.core.tree.Tree;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Backup of one Qdrant collection on one node: a server-side snapshot, streamed into the
 * repository while its sha256 is computed and compared with the server's checksum, then deleted
 * on the server whatever happened (see the package documentation for the steps). Thread safe:
 * each {@link #backup} call has its own client.
 */
public final class QdrantSource implements Source {
    public static final String KIND = "qdrant";
    /** The stream node holding the snapshot tar in the snapshot's root tree. */
    public static final String SNAPSHOT_NODE = "collection.snapshot";
    /**
     * Chunk sizes for snapshot tars: 16 / 64 / 512 KiB (min / average / max); see the package
     * documentation for the measurements behind them.
     */
    public static final ChunkingProfile SNAPSHOT_CHUNKING = new ChunkingProfile("qdrant-snapshot", 16 * 1024, 64 * 1024,
            512 * 1024);

    private final QdrantSourceConfig config;
    private final Clock clock;

    public QdrantSource(QdrantSourceConfig config, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Kind "qdrant"; identity {@code URL/collections/NAME}; the same as the path. */
    @Override
    public SourceDescriptor descriptor() {
        String id = config.endpoint().url() + "/collections/" + config.collection();
        return new SourceDescriptor(KIND, id, List.of(id));
    }

    @Override
    public ChunkingProfile chunking() {
        return SNAPSHOT_CHUNKING;
    }

    /**
     * Snapshots the collection into {@code sink}. Fails (and stores no tree, so the engine commits
     * nothing) when the server refuses or cannot be reached, the download breaks beyond its
     * retries, or the bytes do not hash to the server's checksum.
     */
    @Override
    public BackupOutcome backup(BackupSink sink, Optional<BlobId> parentRoot) {
        String c = config.collection();
        List<String> warnings = new ArrayList<>();
        try (QdrantClient client = new QdrantClient(config.endpoint())) {
            String version = client.version();
            JsonNode cluster = client.cluster();
            JsonNode info = client.collectionInfo(c);
            removeStale(client, warnings);
            long countBefore = client.countExact(c);
            QdrantClient.SnapshotFile snap = client.createSnapshot(c);
            PendingSnapshots.Entry pending = new PendingSnapshots.Entry(config.endpoint().url().toString(), c, snap.name());
            journal(() -> config.pending().add(pending), snap.name(), warnings);
            StoredContent content;
            long countAfter;
            PointSample sample;
            long downloadMillis;
            try {
                countAfter = client.countExact(c);
                sample = PointSample.take(client, c, config.sampleSize(), c.hashCode());
                java.time.Instant start = clock.instant();
                content = download(client, snap, sink);
                downloadMillis = java.time.Duration.between(start, clock.instant()).toMillis();
            } finally {
                deleteOnServer(client, snap, pending, warnings);
            }
            if (countBefore != countAfter) {
                warnings.add("collection " + c + " changed while the snapshot was taken (" + countBefore + " points before, "
                        + countAfter + " after); the recorded count and sample may differ from the snapshot");
            }
            Node node = Node.stream(SNAPSHOT_NODE, content.size(), clock.instant(), content.blobs());
            BlobId root = sink.storeTree(new Tree(List.of(node)));
            Map<String, Object> md = metadata(version, cluster, info, snap, countAfter, sample);
            md.put("download_ms", downloadMillis);
            return new BackupOutcome(root, 1, 0, content.size(), 0, md, warnings);
        }
    }

    private StoredContent download(QdrantClient client, QdrantClient.SnapshotFile snap, BackupSink sink) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        StoredContent content;
        try (ResumingDownload raw = new ResumingDownload(client, config.collection(), snap.name(), snap.size());
                InputStream in = new ProgressInput(new DigestInputStream(raw, sha), sink, snap.name(), snap.size())) {
            content = sink.storeContent(in);
        } catch (IOException e) {
            if (e.getCause() instanceof LifeboatException le) {
                throw le;
            }
            throw new LifeboatException(ErrorCode.SOURCE_ERROR, "Qdrant " + config.endpoint() + ", collection "
                    + config.collection() + ": " + e.getMessage(), "run the backup again; nothing was committed", e, true);
        }
        String got = HexFormat.of().formatHex(sha.digest());
        if (content.size() != snap.size() || (snap.checksum() != null && !snap.checksum().equals(got))) {
            throw new LifeboatException(ErrorCode.SOURCE_ERROR, "Qdrant " + config.endpoint() + ", collection "
                    + config.collection() + ": snapshot " + snap.name() + " arrived damaged: " + content.size() + " bytes with sha256 "
                    + got + ", the server announced " + snap.size() + " bytes with sha256 " + snap.checksum(),
                    "run the backup again; nothing was committed");
        }
        if (snap.checksum() == null) {
            throw new LifeboatException(ErrorCode.SOURCE_ERROR, "Qdrant " + config.endpoint() + ", collection "
                    + config.collection() + ": the server reported no checksum for snapshot " + snap.name(),
                    "upgrade Qdrant (1.13 or later reports snapshot checksums)");
        }
        return content;
    }

    /** Deletes the server-side snapshot; a failure to do so is a warning (the journal keeps it for next time). */
    private void deleteOnServer(QdrantClient client, QdrantClient.SnapshotFile snap, PendingSnapshots.Entry pending,
            List<String> warnings) {
        try {
            client.deleteSnapshot(config.collection(), snap.name());
            journal(() -> config.pending().remove(pending), snap.name(), warnings);
        } catch (LifeboatException e) {
            warnings.add("could not delete snapshot " + snap.name() + " on the server (the next backup tries again): "
                    + e.getMessage());
        }
    }

    /**
     * A change of the journal; when the state directory cannot be written the backup goes on (the
     * snapshot is still deleted in {@code finally}) with a warning, since only a killed backup needs it.
     */
    private static void journal(Runnable change, String name, List<String> warnings) {
        try {
            change.run();
        } catch (java.io.UncheckedIOException e) {
            warnings.add("cannot note snapshot " + name + " in the local journal (" + e.getMessage()
                    + "); if this backup is killed, delete it on the server by hand or fix LIFEBOAT_STATE_DIR");
        }
    }

    /** Deletes the snapshots that earlier, killed backups of this server left behind (never those of running ones). */
    private void removeStale(QdrantClient client, List<String> warnings) {
        List<PendingSnapshots.Entry> orphans;
        try {
            orphans = config.pending().orphans(config.endpoint().url().toString());
        } catch (java.io.UncheckedIOException e) {
            warnings.add("cannot read the local journal of unfinished snapshots: " + e.getMessage());
            return;
        }
        for (PendingSnapshots.Entry e : orphans) {
            try {
                client.deleteSnapshot(e.collection(), e.name());
                journal(() -> config.pending().remove(e), e.name(), warnings);
            } catch (LifeboatException ex) {
                if (ex.code() == ErrorCode.NOT_FOUND) {
                    journal(() -> config.pending().remove(e), e.name(), warnings); // the collection is gone, and its snapshots with it
                } else {
                    warnings.add("could not delete stale snapshot " + e.name() + " of collection " + e.collection()
                            + ": " + ex.getMessage());
                }
            }
        }
    }

    private Map<String, Object> metadata(String version, JsonNode cluster, JsonNode info, QdrantClient.SnapshotFile snap,
            long count, PointSample sample) {
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("url", config.endpoint().url().toString());
        md.put("collection", config.collection());
        md.put("qdrant_version", version);
        boolean clustered = "enabled".equals(cluster.path("status").asText());
        md.put("cluster_enabled", clustered);
        if (clustered) {
            md.put("peer_id", cluster.path("peer_id").asLong());
        }
        md.put("points_count", count);
        md.put("config", QdrantClient.JSON.convertValue(info.path("config"), Map.class));
        md.put("shard_number", info.path("config").path("params").path("shard_number").asInt(1));
        md.put("snapshot_name", snap.name());
        md.put("snapshot_size", snap.size());
        md.put("snapshot_sha256", snap.checksum());
        if (snap.creationTime() != null) {
            md.put("snapshot_created", snap.creationTime());
        }
        md.put("sample", sample.toMap());
        return md;
    }

    /** Reports download progress every 1 MiB. */
    private static final class ProgressInput extends java.io.FilterInputStream {
        private final BackupSink sink;
        private final String name;
        private final long total;
        private long bytes;
        private long reported;

        ProgressInput(InputStream in, BackupSink sink, String name, long total) {
            super(in);
            this.sink = sink;
            this.name = name;
            this.total = total;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                bytes += n;
                if (bytes - reported >= 1 << 20) {
                    reported = bytes;
                    sink.progress().onProgress(new Progress("download", 0, 1, bytes, total, name));
                }
            }
            return n;
        }
    }
}
