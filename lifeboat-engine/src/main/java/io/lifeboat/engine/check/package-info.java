/**
 * The check use case.
 *
 * <p>Structure: every index file decrypts and parses; every indexed pack exists and is long
 * enough; every snapshot decrypts; every tree of every snapshot decodes and every blob it
 * refers to is indexed. Data ({@code --read-data[=N%]}): every chosen pack is read whole, its
 * SHA-256 compared with its name, its header authenticated, every blob authenticated and
 * re-hashed, and the header compared with the index. Each problem names the object and the
 * snapshots that depend on it. Packs no index refers to are noted, not errors: interrupted
 * backups leave them and prune removes them.
 *
 * <p>WAL: the chain of archived segments of each PostgreSQL system and timeline must have no
 * gap from the oldest physical base backup's start segment to the newest archived segment
 * ({@link io.lifeboat.repository.wal.WalChain#gaps}); each run of missing segments is a problem
 * naming the first missing object and the base backups whose recovery stops there.
 */
package io.lifeboat.engine.check;
