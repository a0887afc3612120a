package io.lifeboat.repository.snapshot;

/** What a backup did, recorded in its snapshot. */
public record SnapshotStats(
        long files,
        long directories,
        long unchangedFiles,
        long bytesRead,
        long blobsAdded,
        long bytesAdded,
        long storedBytesAdded,
        long durationMillis) {
    public static final SnapshotStats EMPTY = new SnapshotStats(0, 0, 0, 0, 0, 0, 0, 0);
}
