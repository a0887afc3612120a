package io.lifeboat.source.postgres.physical;

import java.util.List;
import java.util.Set;

/**
 * Where {@code wal receive} stores what it streams: the repository's WAL archive, implemented
 * over it by the caller. Thread safe. Every store returns only once the object is durable.
 */
public interface WalSink {

    /** System identifiers of the WAL and physical backups already in the repository. */
    Set<String> systemIds();

    /**
     * Stores a complete segment or a {@code .history} file exactly as {@code wal push} would. An
     * identical file already stored (pushed by {@code archive_command}) is fine. The receiver checked
     * {@link #systemIds()} when it started; this need not check the system again.
     *
     * @return true when stored now, false when an identical file was there
     * @throws io.lifeboat.core.error.LifeboatException {@code already_exists} when the name is
     *     stored with other content
     */
    boolean store(String systemId, String name, byte[] content);

    /** Whether a WAL file is archived. */
    boolean contains(String systemId, String name);

    /** The archived segment names of {@code systemId} (no other files), in ascending order. */
    List<String> segments(String systemId);

    /** Replaces the in-progress copy of {@code segment} (the whole segment, zero-filled past the received end). */
    void storeStreaming(String systemId, String segment, byte[] content);

    /** Removes the in-progress copy of {@code segment}; idempotent. */
    void removeStreaming(String systemId, String segment);

    /** The segments that have an in-progress copy stored. */
    List<String> streamingSegments(String systemId);

    /** Replaces the receiver's recorded state. */
    void recordStatus(String systemId, WalReceiverStatus status);
}
