/**
 * Retention: which snapshots to keep, {@code forget} of the others, legal holds, and
 * {@code prune} of the data no snapshot uses.
 *
 * <p>Terms. A <em>group</em> is the set of snapshots a policy is applied to separately; by
 * default one series (host + source kind + source identity), see {@link GroupBy}. A
 * <em>bucket</em> is the calendar hour, day, ISO week (Monday to Sunday, numbered by its
 * week-based year), month or year a snapshot's time falls in, in the time zone given to the
 * policy; an hour is a local hour together with its UTC offset, so the hour repeated when daylight
 * saving time ends makes two buckets. A <em>hold</em> is an active legal hold
 * ({@link io.lifeboat.repository.hold.Hold}).
 *
 * <p>Rules, applied to each group on its own ({@link RetentionPolicy#apply}):
 * <ol>
 *   <li>Sort newest first: by time, then by snapshot id, both descending, so that two snapshots
 *       with the same time are always ordered the same way (the larger id counts as newer).</li>
 *   <li>{@code keep-last N}: the first N.</li>
 *   <li>{@code keep-hourly|daily|weekly|monthly|yearly N}: walking newest first, a snapshot is
 *       kept when its bucket has not been seen yet, until N buckets were seen. So each rule keeps
 *       the newest snapshot of each of the N most recent buckets that contain a snapshot; buckets
 *       without a snapshot (gaps) are skipped, not counted.</li>
 *   <li>{@code keep-within D}: every snapshot not older than D before the newest snapshot of the
 *       group. Relative to the newest snapshot, not to the clock, so that a series whose backups
 *       stopped is not emptied by the passing of time. Years, months, weeks and days are calendar
 *       units in the zone (a day across a DST change lasts 23 or 25 hours); hours are exact.</li>
 *   <li>{@code keep-tag T}: every snapshot tagged T.</li>
 *   <li>Every snapshot with a hold that has not lapsed at the clock's now is kept.</li>
 * </ol>
 * The rules are independent: a snapshot kept by one still counts for the others, and every rule
 * that keeps a snapshot is recorded as a reason ({@code "last 1/3"}, {@code "daily 2/7"},
 * {@code "within 2d"}, {@code "tag release"}, {@code "legal hold until …"}). A snapshot no rule
 * keeps is removed. A policy without any rule is refused: it would remove everything.
 *
 * <p>{@link Forget} removes only snapshot objects, under the exclusive lock, after reading the
 * holds under that lock; the data they referred to stays until {@code prune}.
 *
 * <h2>Prune</h2>
 * {@link Prune} finds the blobs the remaining snapshots use ({@link ReferencedBlobs}), deletes the
 * packs that hold none of them, and rewrites the packs that are mostly unused
 * ({@link PrunePlan}: largest unused share first, within {@code --max-unused} and
 * {@code --max-repack-size}). A held snapshot is a snapshot like any other here: everything it
 * uses is used, so prune never removes its data.
 *
 * <p><b>WAL.</b> Prune also deletes the archived WAL that no remaining physical base backup needs:
 * per PostgreSQL system, every file older than the start segment of its oldest remaining base
 * backup, held ones included ({@link io.lifeboat.repository.wal.WalChain#removable}); {@code
 * .history} files stay. It does so last, after the packs, under the same lock; a dry run lists
 * them. WAL is never shared between snapshots' blobs, so this is independent of the steps below.
 *
 * <p><b>Order of writes.</b> (1) Repacked blobs go into new packs, each blob authenticated on the
 * way. (2) A new index listing every pack that stays is written, naming the old index files it
 * supersedes. (3) Only then are the old index files deleted, and (4) last the packs. A crash after
 * (1) leaves packs no index lists, which nothing refers to; after (2) or during (3) two indexes
 * that both list only packs that still exist; during (4) packs that no index lists. In every case
 * each snapshot still finds all its blobs, {@code check} passes, and the next prune finishes the
 * job (it prefers the fresh copies from (1), so the old packs become wholly unused).
 *
 * <p><b>Backups running at the same time: the lock is the first phase, the grace period the
 * second.</b> Prune holds the exclusive lock, so no backup with a live lock runs while it decides
 * and deletes. A backup decides to reuse an existing blob from the index it read, so the danger is
 * a backup whose lock went stale (its process was suspended, or its storage unreachable, for
 * longer than the stale age) and which wakes up after prune deleted a blob it reused. Such a
 * backup cannot commit: it checks, right before writing its snapshot, that its lock was refreshed
 * within the stale age ({@link io.lifeboat.repository.lock.RepositoryLock#checkHeld}), and gives
 * up otherwise, so no snapshot ever points at data a prune removed. What it may still do after
 * waking is upload packs and index them; so packs that no index lists are deleted only once they
 * are older than the grace period (the stale age, 30 minutes, by default), which is longer than
 * such a backup can keep going without noticing that its lock is gone. A pack younger than that
 * may belong to a backup that is about to index it, and deleting it would leave an index entry
 * pointing at nothing. We chose the lock plus grace period over a two-phase scheme (marking packs
 * for deletion in one run and deleting them in the next) because it frees space in one run,
 * which is what a full disk needs, and because the backup's own lock check already closes the
 * window a two-phase scheme exists for.
 */
package io.lifeboat.engine.retention;
