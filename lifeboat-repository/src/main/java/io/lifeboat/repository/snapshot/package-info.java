/**
 * Snapshots and trees.
 *
 * <p>A snapshot is an encrypted JSON object in {@code snapshots/}, named by the SHA-256 of its
 * stored bytes; it is the commit marker of a backup and is written last. It points at a root
 * tree blob. A tree blob is the JSON list of one directory's nodes; directories point at their
 * subtree blobs and files at their content blobs, so unchanged directories deduplicate across
 * snapshots. JSON field names are part of the format (snake case) and are only ever added.
 */
package io.lifeboat.repository.snapshot;
