/**
 * The stats use case: how much the repository stores and what deduplication saves.
 *
 * <p>Terms. The <em>logical</em> size of a snapshot is what restoring it writes: the sum of
 * the sizes of its files and streams, a file counted every time it occurs. <em>Stored</em>
 * bytes are bytes as they lie in packs (compressed and encrypted). A <em>source</em> is one
 * series: host + source kind + source identity, as retention groups snapshots by default
 * ({@link io.lifeboat.engine.retention.GroupBy#DEFAULT}). The stored size of a source is the
 * stored size of the distinct blobs (data and trees) its snapshots reference; blobs shared by
 * several sources count for each of them, so the per-source figures may add up to more than
 * the packs hold. The <em>deduplication ratio</em> is the logical size of all snapshots over
 * the bytes of all packs. A blob is <em>unreferenced</em> when it is indexed but no snapshot
 * reaches it (forgotten snapshots, interrupted backups): {@code prune} can reclaim it.
 *
 * <p>Steps, under a shared lock: list every object kind (counts and bytes); read the index
 * again; walk the trees of every snapshot, per source, each distinct tree read once per source
 * and the logical size of each tree remembered across sources; sum the stored lengths of each
 * source's distinct blobs from the index; visit the index once for the blobs that no snapshot
 * reached. A tree that cannot be read is reported as a warning and its content left out, so
 * the figures are then lower bounds.
 */
package io.lifeboat.engine.stats;
