/**
 * The repository: a deduplicating, compressed, encrypted object store over any
 * {@link io.lifeboat.core.storage.Storage}.
 *
 * <p>Write order, the basis of crash safety: packs, then the index files naming them, then the
 * snapshot object. A crash at any point leaves only unreferenced packs or index entries, never a
 * snapshot that refers to missing data.
 *
 * <p>Opening: every {@code keys/*} file is tried with the password (Argon2id); the first that
 * authenticates yields the master key, which decrypts {@code config}, index files, snapshots,
 * trees and blobs.
 */
package io.lifeboat.repository;
