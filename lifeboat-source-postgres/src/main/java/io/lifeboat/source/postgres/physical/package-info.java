/**
 * PostgreSQL physical backups: base backups, the WAL they need, and point-in-time recovery.
 *
 * <p><b>Terms.</b> A <i>base backup</i> is a copy of the whole data directory taken while the
 * server runs ({@code pg_basebackup}); it is consistent only together with the WAL written
 * from its <i>start LSN</i> (the checkpoint in {@code backup_label}) to its <i>stop LSN</i>.
 * <i>WAL archiving</i> copies every finished 16 MiB segment out of {@code pg_wal}
 * ({@code archive_command}); <i>point-in-time recovery</i> restores a base backup and replays
 * archived WAL ({@code restore_command}) up to a target.
 *
 * <p><b>Backup</b> ({@link io.lifeboat.source.postgres.PostgresPhysicalSource}):
 * <ol>
 *   <li>read the server's facts over JDBC: version, system identifier, WAL segment size,
 *       {@code archive_mode}/{@code archive_command}, tablespaces. Refuse extra tablespaces
 *       (pg_basebackup writes each to its own tar, and to stdout only the main one), a server
 *       without WAL archiving, and a repository that holds another system's backups or WAL;
 *       create a temporary physical replication slot that reserves WAL from now on (it lives as
 *       long as this JDBC session, which stays open until pg_basebackup has exited);
 *   <li>run {@code pg_basebackup -D - -Ft -X fetch --checkpoint=fast --verbose} ({@code -X none}
 *       when no slot could be made) with the password
 *       in a 0600 pgpass file; read its stdout with {@link io.lifeboat.source.postgres.physical.TarReader}
 *       entry by entry, storing each file through the sink as it arrives (no temporary copy), and
 *       build the snapshot tree (paths relative to the data directory);
 *   <li>read {@code backup_label} (start LSN, timeline) and {@code backup_manifest}, which
 *       pg_basebackup adds to a tar written to stdout ({@code WAL-Ranges}: stop LSN; the
 *       {@code --verbose} "end point" line when there is no manifest);
 *   <li>wait until every WAL segment from the start to the stop LSN is in the repository
 *       ({@code wal/…}), polling, at most {@code --wal-timeout}; else fail naming the first missing
 *       segment, with a hint about {@code archive_command}. The engine commits the snapshot only
 *       after this returns.
 * </ol>
 *
 * <p><b>Why {@code -X fetch}, and why its WAL is dropped.</b> The WAL of a base backup reaches the
 * archive through {@code archive_command}; storing the copy in the tar as well would store it twice
 * and tie the backup's consistency to a second copy, so the files under {@code pg_wal/} in the
 * stream are read past, not stored. A restore always needs the archive anyway
 * ({@code restore_command}). The point of {@code -X fetch} is the end of the backup: with {@code -X
 * none} the server waits at {@code pg_backup_stop} until the last segment and the backup history
 * file are archived, and it looks only once a second, which adds about a second to every backup.
 * With {@code -X fetch} it does not wait; Lifeboat polls its own archive from 10 ms. The server
 * must still have the backup's WAL when the stream ends, which the slot guarantees (without one, a
 * checkpoint during a long backup may remove it and pg_basebackup fails).
 *
 * <p><b>Chunking.</b> All files of a base backup are cut into fixed 128 KiB chunks (16 pages of
 * 8 KiB, {@code ChunkingProfile.fixed}) from the start of each file. Relation files change page by
 * page and pages never move, so an unchanged table (every 1 GiB segment file of it) gives the same
 * blob ids in every backup and adds nothing; a changed page re-stores one 128 KiB chunk (less
 * after compression). Content-defined cut points would buy nothing here and cost hashing time.
 *
 * <p><b>Restore</b> ({@link io.lifeboat.source.postgres.physical.PhysicalRestoreTarget}): write the
 * files into an empty data directory (0700, files 0600 or 0640 as backed up), then append
 * {@code restore_command} and the {@link io.lifeboat.source.postgres.physical.RecoveryTarget}
 * settings to {@code postgresql.auto.conf} and create {@code recovery.signal}. The server, started
 * by its OS user, fetches WAL through {@code lifeboat wal fetch} until the target.
 *
 * <p><b>Starting</b> ({@link io.lifeboat.source.postgres.physical.RecoveryStart}): {@code pg_ctl start}
 * as the current OS user, then {@code pg_controldata} until the cluster state says recovery ended;
 * no connection is needed, so it works whatever {@code pg_hba.conf} the backup carries.
 *
 * <p><b>Streaming</b> ({@link io.lifeboat.source.postgres.WalReceiver}, {@code wal receive}): a
 * physical replication slot keeps WAL on the server until the receiver reports it flushed; the
 * receiver reports a position only once the segment ending there is durable in the repository.
 * <ol>
 *   <li>check the role (REPLICATION), {@code max_wal_senders}, {@code wal_level} and the slot
 *       (create it with reserved WAL on request); {@code IDENTIFY_SYSTEM} gives the system id
 *       (refused when the repository or the spool holds another) and the timeline, whose
 *       {@code .history} file is stored ({@code TIMELINE_HISTORY});
 *   <li>start at the start of the segment holding the slot's {@code restart_lsn}, or after the
 *       newest segment of the timeline already in the repository when that is later (never past the
 *       server's flush position): a restart re-streams the segment it was receiving from its first
 *       byte, which the slot still keeps;
 *   <li>write each message at its offset into {@code <segment>.partial} in the {@link WalSpool};
 *       when the segment is complete, start the next file and hand the segment to background
 *       threads (two, so that two segments are sealed at once) that store it as {@code wal push}
 *       does (an identical copy already archived is fine) and remove its {@code .streaming} copy;
 *       at most two wait. Once a segment and all before it are stored, report its end as flushed. (No fsync of the spool here: the repository's copy is
 *       the durable one, and an unacknowledged segment is streamed again after a crash.)
 *   <li>every {@code --partial-interval}, once caught up with the server's position at connect (a
 *       previous run's copy may be longer before that), fsync and store the segment being received,
 *       zero-filled, as {@code <segment>.streaming}, replacing the previous copy; record the
 *       receiver's {@link WalReceiverStatus}. A partial segment is never stored under the
 *       segment's own name.
 * </ol>
 * Recovery may use a {@code .streaming} copy only as the newest WAL of its timeline ({@code wal
 * fetch} checks): it replays the records it holds and reaches the zeros, the end of WAL.
 *
 * <p><b>Verifying</b> ({@link io.lifeboat.source.postgres.RecoveryVerification}): {@code pg_verifybackup}
 * against the restored {@code backup_manifest} before the start, a query and amcheck once recovery
 * has ended. WAL retention and gaps are judged by {@code io.lifeboat.repository.wal.WalChain}.
 *
 * <p><b>Not yet.</b> Extra tablespaces, reconnecting after a dropped replication connection and
 * following a timeline switch without a restart (the receiver exits; run it again), and the
 * daemon fast path for {@code archive_command}.
 */
package io.lifeboat.source.postgres.physical;
