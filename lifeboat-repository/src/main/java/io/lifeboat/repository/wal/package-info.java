/**
 * The WAL archive of a repository: PostgreSQL write-ahead log segments, {@code .history} and
 * {@code .backup} files, stored whole.
 *
 * <p><b>Layout.</b> One object per file, {@code wal/<system id>/<timeline>/<file name>}: the
 * system identifier in decimal (as {@code pg_control_system()} shows it), the timeline as the 8
 * hex digits that start every WAL file name. The object is sealed like a snapshot (zstd, then
 * AES-256-GCM) with associated data {@code "lifeboat-wal-v1:" ‖ system id ‖ "/" ‖ file name}, so
 * an object moved to another name fails authentication instead of replaying the wrong WAL.
 *
 * <p><b>Why whole files, not blobs.</b> A segment is written once and read at most once (by a
 * restore); it shares no content with other segments or with base backups, so chunking and the
 * index would cost an index entry per chunk and buy nothing. Compression does the work: a
 * recycled, mostly idle segment shrinks to a few KB.
 *
 * <p><b>Pushes</b> are exclusive creates: a file pushed again is compared with the stored one
 * (decrypted); identical succeeds, different is refused ({@code already_exists}), as
 * PostgreSQL's documentation asks of an {@code archive_command}. When {@code push} returns, the
 * object is durable (the storage contract of {@code create}).
 *
 * <p><b>One system per repository.</b> A repository holds the WAL and base backups of one
 * PostgreSQL system identifier: a second one is refused, because replaying another cluster's WAL
 * cannot work and mixing them makes retention and {@code check} guesswork.
 */
package io.lifeboat.repository.wal;
