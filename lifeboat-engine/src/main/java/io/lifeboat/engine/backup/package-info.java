/**
 * The backup use case.
 *
 * <p>Steps: take a shared lock; pick the parent (newest snapshot of the same host, source kind
 * and identity); let the source write its data through a
 * {@link io.lifeboat.repository.BackupWriter}; flush (packs, then index); check the lock is
 * still ours; write the snapshot object last. A failure or a kill before the last step leaves
 * no snapshot, only unreferenced packs that {@code prune} removes.
 */
package io.lifeboat.engine.backup;
