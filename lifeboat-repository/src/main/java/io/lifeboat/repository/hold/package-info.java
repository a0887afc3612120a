/**
 * Legal holds.
 *
 * <p>A hold protects one snapshot from {@code forget}: while it is active, no retention rule and
 * no explicit {@code forget ID} removes the snapshot. A hold is a sealed JSON object in
 * {@code holds/<snapshot id>}, so a snapshot has at most one hold and placing it again replaces
 * the reason and the end. A hold without {@code until} lasts until it is released; one with
 * {@code until} lapses at that instant and then protects nothing, though its object stays
 * (and is listed) until it is released or its snapshot is forgotten.
 *
 * <p>Holds live beside the snapshots rather than inside them because a snapshot object is
 * immutable (its name is the hash of its bytes) while a hold is placed and released later.
 */
package io.lifeboat.repository.hold;
