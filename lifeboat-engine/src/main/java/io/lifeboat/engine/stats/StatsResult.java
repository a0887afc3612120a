package io.lifeboat.engine.stats;

import java.util.List;

/**
 * What {@link Stats} measured. Sizes are bytes.
 *
 * @param storage every object kind of the repository with its object count and bytes, in the
 *     order of {@link io.lifeboat.core.storage.ObjectKind}; {@code locks} includes the lock of
 *     the stats run itself
 * @param packs pack objects in storage, indexed or not
 * @param packBytes bytes of all pack objects: what deduplication is measured against
 * @param blobs distinct indexed blobs, {@code dataBlobs + treeBlobs}
 * @param logicalBytes the logical size of all snapshots together
 * @param sources one entry per source, ordered by host, kind and identity
 * @param unreferencedBlobs indexed blobs no snapshot references, reclaimable by {@code prune}
 * @param unreferencedBytes their stored size
 * @param unindexedPacks pack objects no index lists (left by interrupted backups)
 * @param unindexedPackBytes their size
 * @param warnings trees or blobs that could not be read; with any, the figures are lower bounds
 * @param staleLocks stale locks seen while taking the lock, for the user to hear of
 */
public record StatsResult(
        List<KindUsage> storage,
        int snapshots,
        long packs,
        long packBytes,
        long blobs,
        long dataBlobs,
        long treeBlobs,
        long logicalBytes,
        List<SourceUsage> sources,
        long unreferencedBlobs,
        long unreferencedBytes,
        long unindexedPacks,
        long unindexedPackBytes,
        List<String> warnings,
        List<String> staleLocks) {

    public StatsResult {
        storage = List.copyOf(storage);
        sources = List.copyOf(sources);
        warnings = List.copyOf(warnings);
        staleLocks = List.copyOf(staleLocks);
    }

    /** Bytes of every object of the repository. */
    public long totalBytes() {
        return storage.stream().mapToLong(KindUsage::bytes).sum();
    }

    /** Logical bytes per stored pack byte; 0 for a repository without packs. */
    public double deduplicationRatio() {
        return packBytes == 0 ? 0 : (double) logicalBytes / packBytes;
    }

    /** One object kind: its folder name ({@code data}, {@code index}, {@code snapshots}, …), objects and bytes. */
    public record KindUsage(String kind, long objects, long bytes) {}

    /**
     * One source (series) and what its snapshots need.
     *
     * @param blobs distinct blobs (data and trees) its snapshots reference
     * @param storedBytes stored size of those blobs
     */
    public record SourceUsage(String host, String sourceKind, String sourceIdentity, int snapshots, long logicalBytes,
            long blobs, long storedBytes) {

        /** For people: {@code host=db1 source=files:/srv/app}, as retention names a group. */
        public String describe() {
            return "host=" + host + " source=" + sourceKind + (sourceIdentity == null ? "" : ":" + sourceIdentity);
        }
    }
}
