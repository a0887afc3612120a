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
 */
package io.lifeboat.engine.check;
