package io.lifeboat.core.source;

import java.util.List;
import java.util.Objects;

/**
 * Identifies what is backed up. Snapshots of the same host, kind and identity form a series:
 * change detection picks its parent there, and retention groups by it.
 *
 * @param kind "files", "postgres", "qdrant"
 * @param identity a stable description of the source (e.g. the sorted absolute paths)
 * @param paths what the user named, shown in listings
 */
public record SourceDescriptor(String kind, String identity, List<String> paths) {
    public SourceDescriptor {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(identity, "identity");
        paths = List.copyOf(paths);
    }
}
