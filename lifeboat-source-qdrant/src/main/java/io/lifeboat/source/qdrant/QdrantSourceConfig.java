package io.lifeboat.source.qdrant;

import java.util.Objects;

/**
 * What one Qdrant backup takes: one collection of one node.
 *
 * @param endpoint the node's REST API
 * @param collection the collection to snapshot
 * @param sampleSize how many points to sample for the restore check (0: none)
 * @param pending journal of server-side snapshots not yet deleted (cleans up after killed backups)
 */
public record QdrantSourceConfig(QdrantEndpoint endpoint, String collection, int sampleSize, PendingSnapshots pending) {
    public static final int DEFAULT_SAMPLE = 100;

    public QdrantSourceConfig {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(collection, "collection");
        Objects.requireNonNull(pending, "pending");
        if (sampleSize < 0 || sampleSize > 10_000) {
            throw new IllegalArgumentException("sample size must be within 0..10000");
        }
    }
}
