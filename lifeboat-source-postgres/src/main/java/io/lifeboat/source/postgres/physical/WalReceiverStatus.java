package io.lifeboat.source.postgres.physical;

import java.time.Instant;

/**
 * What a WAL receiver last knew, recorded in the repository for {@code wal status}.
 *
 * @param received the end of the WAL received (in the spool, fsync'd at the latest with the next store)
 * @param stored the end of the WAL in the repository, complete segments or the {@code .streaming} copy
 * @param flushed the end of the complete segments in the repository: what was reported to the
 *     server as flushed, so the slot keeps everything after it
 * @param serverFlush the server's flush position when last asked, or null
 */
public record WalReceiverStatus(String slot, String server, int timeline, Lsn received, Lsn stored, Lsn flushed,
        Lsn serverFlush, String segment, Instant updated, String state) {

    /** Bytes of WAL the server has flushed that are not in the repository yet, or -1 when unknown. */
    public long lagBytes() {
        if (serverFlush == null || stored == null) {
            return -1;
        }
        return Math.max(0, serverFlush.value() - stored.value());
    }
}
