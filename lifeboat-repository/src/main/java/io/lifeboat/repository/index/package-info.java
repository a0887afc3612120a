/**
 * The index: which pack holds which blob.
 *
 * <p>Each backup session writes one or more {@link io.lifeboat.repository.index.IndexFile}s
 * listing the packs it uploaded, after those packs are durable and before its snapshot. Opening
 * a repository reads every index file into the {@link io.lifeboat.repository.index.MasterIndex}.
 * A pack that no index lists (left by a killed backup) is harmless: nothing refers to it, and
 * prune removes it.
 */
package io.lifeboat.repository.index;
