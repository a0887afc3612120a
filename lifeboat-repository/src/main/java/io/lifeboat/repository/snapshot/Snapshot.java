package io.lifeboat.repository.snapshot;

import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.id.SnapshotId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A committed backup. The snapshot object is the commit marker: it is written only after every
 * pack and index file it depends on is durable.
 *
 * @param id the SHA-256 of the stored object; {@code null} until saved
 * @param sourceKind "files", "postgres", "qdrant"
 * @param sourceIdentity what makes two snapshots part of the same series
 * @param parent the snapshot change detection started from, or {@code null}
 * @param recoveryPoint shared by the snapshots of one stack backup, or {@code null}
 */
public record Snapshot(
        SnapshotId id,
        Instant time,
        String host,
        String username,
        String sourceKind,
        String sourceIdentity,
        List<String> paths,
        List<String> tags,
        SnapshotId parent,
        BlobId root,
        Map<String, Object> metadata,
        SnapshotStats stats,
        String recoveryPoint,
        String programVersion) {

    public Snapshot {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(sourceKind, "sourceKind");
        Objects.requireNonNull(root, "root");
        paths = List.copyOf(paths);
        tags = List.copyOf(tags);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        stats = stats == null ? SnapshotStats.EMPTY : stats;
    }

    public Snapshot withId(SnapshotId newId) {
        return new Snapshot(newId, time, host, username, sourceKind, sourceIdentity, paths, tags, parent, root,
                metadata, stats, recoveryPoint, programVersion);
    }

    /** Whether two snapshots belong to the same series (host, kind, identity). */
    public boolean sameSeries(String otherHost, String kind, String identity) {
        return Objects.equals(host, otherHost) && sourceKind.equals(kind) && Objects.equals(sourceIdentity, identity);
    }
}
