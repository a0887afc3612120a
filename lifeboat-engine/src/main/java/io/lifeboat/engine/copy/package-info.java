/**
 * The copy use case: snapshots from one repository into another (a second site, a second
 * storage kind), moving only the blobs the destination lacks.
 *
 * <h2>Terms</h2>
 * <dl>
 *   <dt>copy target</dt>
 *   <dd>A repository whose master key shares the MAC key and chunker seed of the source and has
 *       its own encryption key and passwords ({@code copy --init} creates one). Blob ids, trees and
 *       snapshot ids are then identical in both, so a copy needs no re-chunking, a snapshot keeps
 *       its id, and backups made directly into the target deduplicate against copied data. A
 *       repository with other chunker parameters is refused: copying into it would mean reading
 *       and re-chunking every file, and its blobs would never match the source's.</dd>
 *   <dt>missing blob</dt>
 *   <dd>A blob a copied snapshot needs (its trees and their content) that the target's index
 *       does not list.</dd>
 * </dl>
 *
 * <h2>Steps, per snapshot (oldest first)</h2>
 * <ol>
 *   <li>Skip it when the target has a snapshot object of the same id.</li>
 *   <li>Walk its trees; look up each missing blob in the source index and group them by source
 *       pack.</li>
 *   <li>Read each pack once (whole, or by range for a few blobs), re-encrypt each blob for the
 *       target (authenticated, not decompressed), collect them into new packs, upload them.</li>
 *   <li>Write the index of the new packs, then the snapshot object, re-encrypted under its id:
 *       the commit marker, as in a backup. A copy interrupted anywhere leaves at most unreferenced
 *       packs, which the next copy reuses (once indexed) or {@code prune} removes.</li>
 * </ol>
 * Legal holds stay with their repository and are not copied.
 */
package io.lifeboat.engine.copy;
