package io.lifeboat.engine.retention;

import java.util.List;

/**
 * What {@link Prune} found and did (or, in a dry run, would do). Byte counts are stored bytes
 * (compressed, encrypted, with pack headers).
 *
 * @param snapshots snapshots whose data was kept
 * @param packsBefore packs in storage before
 * @param bytesBefore their size
 * @param packsDeleted packs deleted because no snapshot uses any blob in them
 * @param packsRepacked partly used packs whose used blobs were copied into new packs, then deleted
 * @param packsWritten new packs written by repacking
 * @param bytesWritten their size
 * @param unindexedDeleted packs no index listed (left by interrupted runs), deleted
 * @param unindexedKept such packs kept because they are younger than the grace period
 * @param blobsRemoved blobs no longer in the index
 * @param bytesFreed pack bytes deleted minus pack bytes written (index files are not counted)
 * @param unusedBytesLeft unused bytes that stay in partly used packs (within --max-unused)
 * @param indexFilesReplaced old index files replaced by the new ones
 * @param missingPacks packs the index listed but storage lacks; their entries were dropped
 * @param staleLocks stale locks seen while taking the lock
 * @param walDeleted WAL objects ({@code wal/<system>/<timeline>/<file>}) deleted because they are
 *     older than the start of every remaining physical base backup of their system
 * @param walBytesFreed their stored size
 */
public record PruneResult(boolean dryRun, int snapshots, int packsBefore, long bytesBefore, int packsDeleted,
        int packsRepacked, int packsWritten, long bytesWritten, int unindexedDeleted, int unindexedKept,
        long blobsRemoved, long bytesFreed, long unusedBytesLeft, int indexFilesReplaced, List<String> missingPacks,
        List<String> staleLocks, List<String> walDeleted, long walBytesFreed) {
    public PruneResult {
        missingPacks = List.copyOf(missingPacks);
        staleLocks = List.copyOf(staleLocks);
        walDeleted = List.copyOf(walDeleted);
    }

    public long bytesAfter() {
        return bytesBefore - bytesFreed;
    }
}
