/**
 * Qdrant collections, backed up as server-side snapshots over the REST API and restored by
 * upload.
 *
 * <p>Backup of one collection on one node ({@link io.lifeboat.source.qdrant.QdrantSource}):
 * <ol>
 *   <li>{@code GET /} (version), {@code GET /cluster}, {@code GET /collections/{c}} (config; a
 *       404 here fails before anything is created); delete the snapshots that killed backups of
 *       this server left (the local {@link io.lifeboat.source.qdrant.PendingSnapshots} journal);
 *       exact count.</li>
 *   <li>{@code POST /collections/{c}/snapshots?wait=true}; note the name in the journal.</li>
 *   <li>Exact count again and a sample of points ({@link io.lifeboat.source.qdrant.PointSample}:
 *       ids drawn by reservoir sampling over an id-only scroll, each with the sha256 of its
 *       vectors and payload).</li>
 *   <li>Stream the download into the repository through a sha256 digest (no temporary file). A
 *       broken connection resumes with a {@code Range} request at the byte it stopped at
 *       ({@link io.lifeboat.source.qdrant.ResumingDownload}); a read that waits longer than the
 *       stall timeout counts as broken. The size and sha256 must equal the server's, or the
 *       backup fails and the engine commits nothing.</li>
 *   <li>In {@code finally}: {@code DELETE} the server-side snapshot, then drop it from the journal.</li>
 * </ol>
 *
 * <p>Restore ({@link io.lifeboat.source.qdrant.QdrantRestoreTarget}): refuse when the server's
 * version cannot recover the snapshot (same or next minor only); upload it as a streaming
 * multipart body ({@code POST /collections/{c}/snapshots/upload?priority=…&checksum=…&wait=true},
 * field {@code snapshot}, the content read from the repository while it is sent); delete the
 * uploaded file that Qdrant keeps in its snapshot folder; compare the exact count and the
 * sampled points with the recorded ones.
 *
 * <p>Chunking ({@link io.lifeboat.source.qdrant.QdrantSource#SNAPSHOT_CHUNKING}, 16 / 64 / 512
 * KiB). A snapshot tar of an unchanged collection differs from the previous one in its tar
 * headers (modification times) and small JSON files, a few hundred bytes every few entries; the
 * large segment files (vectors, payload storage, id tracker) are the same bytes. Each change
 * costs one chunk, so the added bytes of a second backup are roughly (changed places) × (average
 * chunk); 64 KiB keeps that below a few percent for collections of a few MB already (measured
 * by {@code QdrantDeduplicationTest}: see the figure it prints), while a 1 GiB snapshot makes
 * about 16 000 blobs, a small index. Zero-filled regions (Qdrant pre-allocates WAL segments and
 * mmap files) cut at the maximum chunk size and deduplicate to one blob.
 *
 * <p>Cluster mode: a collection snapshot holds only the node's local shards, so every node is
 * backed up separately, each into its own repository snapshot, grouped by a recovery-point id;
 * the CLI takes one {@code --url} per node and refuses when a peer of the cluster is missing.
 *
 * <p>Secrets: the API key ({@link io.lifeboat.source.qdrant.QdrantApiKey}) goes only into the
 * {@code api-key} header and is scrubbed from every server message quoted in an error.
 */
package io.lifeboat.source.qdrant;
