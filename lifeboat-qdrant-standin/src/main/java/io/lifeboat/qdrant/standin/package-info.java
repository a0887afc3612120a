/**
 * A stand-in for a Qdrant server, for tests where a real one cannot run and for {@code lifeboat demo}
 * when no Qdrant server is configured.
 *
 * <p>It follows {@code shared/qdrant/README.md} (the behaviour a real Qdrant 1.13–1.19 shows)
 * and the official OpenAPI spec next to it, which its own tests validate every request and
 * answer against: the {@code {result, status, time}} envelope, status codes, API keys (header
 * {@code api-key} or {@code Authorization: Bearer}, read-write and read-only, plain-text 401s),
 * collections and points in memory, and collection snapshots as real tar files that recover
 * the same points, vectors and payloads ({@link io.lifeboat.qdrant.standin.SnapshotArchive}).
 * {@link io.lifeboat.qdrant.standin.Faults} injects failures: status codes, dropped connections,
 * downloads cut short or slowed down, a full disk on snapshot creation.
 *
 * <p>Use, in a test:
 * <pre>{@code
 * try (QdrantStandIn qdrant = QdrantStandIn.start(StandInConfig.defaults().withApiKeys("rw", "ro"))) {
 *     QdrantCollection docs = qdrant.createCollection("docs", CollectionConfig.single(384, "Cosine"));
 *     docs.upsert(points);                              // or PUT /collections/docs/points over HTTP
 *     qdrant.faults().failNext(2, 503).cutDownloads(1, 1 << 20);
 *     URI url = qdrant.url();                           // http://127.0.0.1:<port>, give it to the client
 *     ...
 *     assertThat(qdrant.snapshotFiles()).isEmpty();     // no stray snapshot left on the server
 * }
 * }</pre>
 *
 * <p>Known differences from a real server: the segment files inside a snapshot are the
 * stand-in's own format (a real server's snapshot can be read entry by entry but not recovered
 * into the stand-in); searches are exact (brute force), filters cover {@code must},
 * {@code should}, {@code must_not} with {@code has_id}, {@code match} and {@code range};
 * {@code wait=false} operations run on a background thread; in cluster mode
 * ({@link io.lifeboat.qdrant.standin.StandInConfig#withCluster}) every stand-in is one node
 * holding all shards of its collections, and {@code GET /cluster} describes the configured peers.
 */
package io.lifeboat.qdrant.standin;
