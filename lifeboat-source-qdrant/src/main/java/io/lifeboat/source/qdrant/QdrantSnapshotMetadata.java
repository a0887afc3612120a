package io.lifeboat.source.qdrant;

import java.util.Map;

/**
 * The facts a Qdrant snapshot records (its {@code metadata}), as read back for a restore.
 *
 * @param url the node that was backed up
 * @param qdrantVersion the server's version at backup time
 * @param pointsCount exact point count when the snapshot was taken
 * @param snapshotSha256 lower-case hex sha256 of the snapshot tar
 * @param peerId the node's peer id in cluster mode, else null
 */
public record QdrantSnapshotMetadata(String url, String collection, String qdrantVersion, long pointsCount, long snapshotSize,
        String snapshotSha256, String snapshotName, Long peerId, PointSample sample) {

    @SuppressWarnings("unchecked")
    public static QdrantSnapshotMetadata fromMap(Map<String, Object> m) {
        Object peer = m.get("peer_id");
        return new QdrantSnapshotMetadata((String) m.get("url"), (String) m.get("collection"),
                (String) m.get("qdrant_version"), ((Number) m.get("points_count")).longValue(),
                ((Number) m.get("snapshot_size")).longValue(), (String) m.get("snapshot_sha256"),
                (String) m.get("snapshot_name"), peer == null ? null : ((Number) peer).longValue(),
                PointSample.fromMap((Map<String, Object>) m.get("sample")));
    }
}
