package io.lifeboat.source.qdrant;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.util.Objects;
import java.util.Set;

/**
 * Where and how a Qdrant snapshot is restored.
 *
 * @param endpoint the node to upload to
 * @param collection the collection to recover into (created when missing, replaced when it exists)
 * @param priority {@code snapshot}, {@code replica} or {@code no_sync}; always sent, since the
 *     server's default changed across versions
 * @param recorded what the snapshot recorded at backup time
 */
public record QdrantRestoreConfig(QdrantEndpoint endpoint, String collection, String priority, QdrantSnapshotMetadata recorded) {
    public static final Set<String> PRIORITIES = Set.of("snapshot", "replica", "no_sync");

    public QdrantRestoreConfig {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(collection, "collection");
        Objects.requireNonNull(recorded, "recorded");
        if (!PRIORITIES.contains(priority)) {
            throw new LifeboatException(ErrorCode.USAGE, "unknown priority '" + priority + "'",
                    "use --priority snapshot, replica or no_sync");
        }
        if (collection.isBlank() || collection.contains("/")) {
            throw new LifeboatException(ErrorCode.USAGE, "invalid collection name '" + collection + "'",
                    "a collection name is not empty and holds no '/'");
        }
    }
}
