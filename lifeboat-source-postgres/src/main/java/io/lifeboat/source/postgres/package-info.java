/**
 * PostgreSQL logical backups and restores.
 *
 * <p><b>Terms.</b> A <i>logical backup</i> is the output of {@code pg_dump} for one database; an
 * <i>exported snapshot</i> is a transaction snapshot named by {@code pg_export_snapshot()} that
 * other sessions (pg_dump) can adopt, so that they see exactly the same data.
 *
 * <p><b>Backup</b> ({@link io.lifeboat.source.postgres.PostgresLogicalSource}):
 * <ol>
 *   <li>connect over JDBC; read the server's version, system identifier, database size,
 *       encoding, collation and extensions; pick {@code pg_dump} of the server's major version
 *       ({@link io.lifeboat.source.postgres.ClientTools}; a missing one names the Debian package,
 *       an older one is refused);
 *   <li>open a {@code REPEATABLE READ READ ONLY} transaction and export its snapshot; list the
 *       tables whose data the dump holds, failing early if the user may not read one;
 *   <li>start {@code pg_dump --snapshot=… --format=custom --compress=0} and stream its stdout
 *       through the {@link io.lifeboat.core.source.BackupSink} (chunk, dedup, compress, encrypt)
 *       while a second thread counts the rows of every table in the exporting transaction: the
 *       counts are exactly the rows in the dump;
 *   <li>check pg_dump's exit code, end the transaction, store a one-entry tree
 *       ({@value io.lifeboat.source.postgres.PostgresLogicalSource#DUMP_NODE}) and return the
 *       facts as snapshot metadata ({@link io.lifeboat.source.postgres.DumpMetadata}). The
 *       engine commits the snapshot only after this returns, so a failed dump leaves none.
 * </ol>
 *
 * <p><b>Why custom format, uncompressed.</b> Lifeboat compresses each chunk itself (zstd) after
 * deduplication; a dump compressed by pg_dump would change entirely with every changed row and
 * never deduplicate. Uncompressed custom format writes each table's COPY rows in order with
 * small, content-independent frames, so a row appended or updated changes only the chunks around
 * it. Custom format goes to a pipe (no temporary copy) and pg_restore reads it back from a pipe;
 * the directory format would deduplicate about as well but needs a directory of files on disk at
 * both ends. The price: without a seekable archive, pg_restore's own {@code -j} cannot run.
 *
 * <p><b>Parallel dumps</b> ({@code jobs} &gt; 1, {@link io.lifeboat.source.postgres.DumpLayout}):
 * still one exported snapshot, but several pg_dump processes adopt it: a schema part
 * ({@code --exclude-table-data} of every table: pre-data, post-data, sequence values, large
 * objects) and up to {@code jobs} data parts ({@code --data-only --table …}) over disjoint table
 * sets balanced by {@code pg_table_size} ({@link io.lifeboat.source.postgres.TablePartition}), all
 * streamed into the sink at once. A table is never split. Restore
 * ({@link io.lifeboat.source.postgres.PartsRestore}): the schema part's pre-data and data
 * sections, then the data parts with {@code jobs} {@code pg_restore --data-only} at once, then
 * post-data (plain indexes {@code jobs} at a time, then the rest), each fed from the repository. A
 * dump in one stream restores with one pg_restore.
 *
 * <p><b>Chunk sizes</b> ({@link io.lifeboat.source.postgres.PostgresLogicalSource#DUMP_CHUNKING}):
 * 4 KiB / 16 KiB / 128 KiB (min / average / max), smaller than the generic
 * {@link io.lifeboat.core.source.ChunkingProfile#DUMPS}. Rows move when they are updated (the
 * new version goes where there is room, often the end of the table), so a day's updates touch
 * chunks all over the dump; smaller chunks store less of what did not change around each touched
 * row. Measured on the daily-backup test: day 2 stored 6.3% of the dump with a 16 KiB average,
 * 10.6% with 32 KiB, 14.5% with 64 KiB; day 1 compressed equally well with all three.
 *
 * <p><b>Whole servers</b> ({@link io.lifeboat.source.postgres.PostgresServerSource}): the globals
 * from {@code pg_dumpall --globals-only}, then each database as above, in a tree
 * {@code globals.sql}, {@code databases/<name>.pgdump}.
 *
 * <p><b>Restore</b> ({@link io.lifeboat.source.postgres.PostgresRestoreTarget}): connect to the
 * target server; refuse a database that holds anything unless {@code clean}; create a missing
 * database from {@code template0} with the recorded encoding and locale; run {@code pg_restore}
 * with the dump fed to its stdin straight from the repository; then count the rows of every
 * restored table and report each difference from the recorded counts.
 *
 * <p><b>Physical backups</b> ({@link io.lifeboat.source.postgres.PostgresPhysicalSource}, package
 * {@code physical}): base backups with pg_basebackup, the WAL they need, and point-in-time recovery.
 *
 * <p><b>Secrets.</b> The password comes from a file, {@code PGPASSWORD} or {@code ~/.pgpass}
 * ({@link io.lifeboat.source.postgres.PasswordLookup}), never argv; children get it through a
 * temporary 0600 pgpass file ({@link io.lifeboat.source.postgres.ClientEnvironment}); it prints
 * as {@code ***} and is scrubbed from child messages.
 */
package io.lifeboat.source.postgres;
