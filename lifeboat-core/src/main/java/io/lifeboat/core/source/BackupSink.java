package io.lifeboat.core.source;

import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.tree.Tree;
import java.io.IOException;
import java.io.InputStream;

/**
 * What a {@link Source} writes its backup into. Implemented by the repository; thread safe, so a
 * source may store several streams concurrently. Nothing stored through a sink is visible to
 * other clients until the engine commits the snapshot.
 */
public interface BackupSink {

    /** Chunks, deduplicates, compresses, encrypts and stores a stream until its end. */
    StoredContent storeContent(InputStream in) throws IOException;

    /** Stores a directory listing and returns its blob id. */
    BlobId storeTree(Tree tree);

    /** Loads a tree of the parent snapshot (for change detection). */
    Tree loadTree(BlobId id);

    /** Whether every blob is stored in the repository (so a parent's content can be reused). */
    boolean contains(Iterable<BlobId> blobs);

    /** Where progress of this backup goes. */
    ProgressListener progress();
}
