package io.lifeboat.source.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.source.RestoreOutcome;
import io.lifeboat.core.source.RestoreReader;
import io.lifeboat.core.source.RestoreTarget;
import io.lifeboat.core.tree.Node;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Restores a collection snapshot by a streaming multipart upload from the repository (no copy on
 * disk), with the recorded checksum and an explicit priority; then removes the uploaded file from
 * the server's snapshot folder and checks the exact point count and the sampled points against
 * the recorded ones. Refuses before uploading anything when the server's version cannot recover
 * the snapshot. Thread safe: each call has its own client.
 */
public final class QdrantRestoreTarget implements RestoreTarget {
    private final QdrantRestoreConfig config;

    public QdrantRestoreTarget(QdrantRestoreConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public RestoreOutcome restore(BlobId root, RestoreReader reader) {
        QdrantRestoreReport r = restoreCollection(root, reader);
        return new RestoreOutcome(1, 0, 0, r.bytesUploaded(), r.warnings());
    }

    /** {@link #restore}, with the details. */
    public QdrantRestoreReport restoreCollection(BlobId root, RestoreReader reader) {
        QdrantSnapshotMetadata rec = config.recorded();
        Node node = reader.loadTree(root).find(QdrantSource.SNAPSHOT_NODE).orElseThrow(() -> LifeboatException.notFound(
                QdrantSource.SNAPSHOT_NODE + " in snapshot tree " + root.hex(), "is it a Qdrant snapshot? see 'lifeboat ls SNAPSHOT'"));
        String c = config.collection();
        String on = "Qdrant " + config.endpoint() + ", collection " + c;
        try (QdrantClient client = new QdrantClient(config.endpoint())) {
            String serverVersion = client.version();
            refuseIncompatible(serverVersion, rec.qdrantVersion(), on);
            String fileName = uploadName(c, root);
            AtomicLong uploaded = new AtomicLong();
            List<String> warnings = new ArrayList<>();
            boolean removed;
            try {
                client.upload(c, fileName, config.priority(), rec.snapshotSha256(), node.size(),
                        () -> new Counting(reader.openContent(node.content()), uploaded));
            } finally {
                removed = removeUploaded(client, c, fileName, warnings);
            }
            long count = client.countExact(c);
            if (count != rec.pointsCount()) {
                warnings.add(on + ": " + count + " points after the restore, " + rec.pointsCount() + " recorded");
            }
            int mismatches = compareSample(client, c, rec.sample(), warnings, on);
            return new QdrantRestoreReport(config.endpoint().toString(), c, config.priority(), serverVersion,
                    rec.pointsCount(), count, rec.sample().ids().size(), mismatches, uploaded.get(), removed, warnings);
        }
    }

    static void refuseIncompatible(String serverVersion, String recordedVersion, String on) {
        QdrantVersion server = QdrantVersion.parse(serverVersion);
        QdrantVersion made = QdrantVersion.parse(recordedVersion);
        if (server == null || made == null) {
            return; // unknown versions: let the server decide
        }
        if (!server.accepts(made)) {
            throw new LifeboatException(ErrorCode.REFUSED, on + ": the snapshot was made by Qdrant " + recordedVersion
                    + " and Qdrant " + serverVersion + " cannot recover it (only the same or the next minor version can)",
                    "restore into a Qdrant " + made.major() + "." + made.minor() + ".x or " + made.major() + "."
                            + (made.minor() + 1) + ".x server, then upgrade step by step");
        }
    }

    /** The name the upload is stored under on the server, so that it can be found and deleted afterwards. */
    static String uploadName(String collection, BlobId root) {
        return collection.replaceAll("[^A-Za-z0-9_.-]", "_") + "-lifeboat-restore-" + root.hex().substring(0, 16) + ".snapshot";
    }

    /**
     * Qdrant keeps an uploaded snapshot in its snapshot folder after recovering it; deleting it
     * gives the disk back. Not finding it (a server that already removed it) is fine.
     */
    private static boolean removeUploaded(QdrantClient client, String c, String fileName, List<String> warnings) {
        try {
            return client.deleteSnapshot(c, fileName);
        } catch (LifeboatException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                warnings.add("could not remove the uploaded snapshot " + fileName + " from the server: " + e.getMessage());
            }
            return false;
        }
    }

    private static int compareSample(QdrantClient client, String c, PointSample sample, List<String> warnings, String on) {
        if (sample.ids().isEmpty()) {
            return 0;
        }
        List<JsonNode> ids = new ArrayList<>();
        for (Object id : sample.ids()) {
            ids.add(id instanceof Number n ? JsonNodeFactory.instance.numberNode(n.longValue())
                    : JsonNodeFactory.instance.textNode(id.toString()));
        }
        Map<String, String> now = PointSample.hashes(client.retrieve(c, ids));
        int mismatches = 0;
        for (int i = 0; i < sample.ids().size(); i++) {
            String k = PointSample.key(sample.ids().get(i));
            String got = now.get(k);
            if (got == null) {
                mismatches++;
                warnings.add(on + ": sampled point " + sample.ids().get(i) + " is missing after the restore");
            } else if (!got.equals(sample.hashes().get(i))) {
                mismatches++;
                warnings.add(on + ": sampled point " + sample.ids().get(i) + " differs from the backup (vectors or payload)");
            }
        }
        return mismatches;
    }

    /** Counts the bytes read, for the report. */
    private static final class Counting extends FilterInputStream {
        private final AtomicLong count;

        Counting(InputStream in, AtomicLong count) {
            super(in);
            this.count = count;
            count.set(0);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count.addAndGet(n);
            }
            return n;
        }
    }
}
