/**
 * Retention: which snapshots to keep, {@code forget} of the others, and legal holds.
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
 */
package io.lifeboat.engine.retention;
