/**
 * Repository locks.
 *
 * <p>Backups, restores and checks take shared locks; prune and key removal take exclusive ones.
 * Acquiring: write our lock object, then list the others; a live conflicting lock (exclusive
 * against anything) makes us delete ours and wait or fail. Two clients racing may both back
 * off; neither proceeds unsafely. A lock is stale when it has not been refreshed for the stale
 * age (30 minutes by default, six refresh intervals) or when its process is gone from this host.
 * Stale locks never block but are always reported; only {@code unlock} removes them.
 */
package io.lifeboat.repository.lock;
