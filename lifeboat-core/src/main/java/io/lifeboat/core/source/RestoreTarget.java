package io.lifeboat.core.source;

import io.lifeboat.core.id.BlobId;

/** Brings a snapshot back into the world: a directory, a database, a vector store. */
public interface RestoreTarget {

    /** Restores the tree below {@code root}; returns what was written. */
    RestoreOutcome restore(BlobId root, RestoreReader reader);
}
