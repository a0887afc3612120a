package io.lifeboat.engine.copy;

import io.lifeboat.core.id.SnapshotId;
import java.util.List;

/**
 * What a copy did.
 *
 * @param copied snapshots written into the target, oldest first
 * @param present snapshots the target had already (left alone)
 * @param blobsCopied blobs the target lacked and now has
 * @param bytesCopied stored (compressed, encrypted) bytes of those blobs
 * @param packsWritten new packs in the target
 */
public record CopyResult(List<SnapshotId> copied, List<SnapshotId> present, long blobsCopied, long bytesCopied,
        int packsWritten, List<String> staleLocks) {
    public CopyResult {
        copied = List.copyOf(copied);
        present = List.copyOf(present);
        staleLocks = List.copyOf(staleLocks);
    }
}
