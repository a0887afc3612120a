package io.lifeboat.core.source;

import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.tree.Tree;
import java.io.InputStream;
import java.util.List;

/**
 * Reads a snapshot's trees and contents back. Every blob is authenticated and its id re-hashed
 * before a byte of it is returned: a damaged blob makes the read fail with
 * {@code ErrorCode.DAMAGED_DATA}, never returns wrong bytes.
 */
public interface RestoreReader {

    Tree loadTree(BlobId id);

    /** The concatenated plaintext of {@code blobs}, fetched ahead while the caller writes. */
    InputStream openContent(List<BlobId> blobs);

    ProgressListener progress();
}
