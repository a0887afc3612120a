package io.lifeboat.core.storage;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A flat namespace of immutable-once-written objects: a directory, an S3 prefix, memory.
 *
 * <h2>Contract (checked by the shared storage contract suite every adapter runs)</h2>
 * <ul>
 *   <li><b>Thread safety.</b> Every method may be called concurrently from many threads and
 *       from several processes on the same namespace.</li>
 *   <li><b>Atomic writes.</b> {@link #put} makes the whole object visible or nothing: a reader
 *       never sees a prefix of it, also after a crash. When {@code put} returns, the object is
 *       durable. Writing an object that exists replaces it atomically.</li>
 *   <li><b>Exclusive create.</b> {@link #create} writes only if the object does not exist and
 *       returns {@code false} otherwise, without changing the existing object.</li>
 *   <li><b>Not found.</b> {@link #get} and {@link #getRange} of a missing object throw
 *       {@code LifeboatException} with {@code ErrorCode.NOT_FOUND}; {@link #stat} returns
 *       empty; {@link #delete} of a missing object succeeds (idempotent).</li>
 *   <li><b>Ranges.</b> {@link #getRange} returns exactly {@code length} bytes or throws
 *       {@code DAMAGED_DATA} when the object is shorter.</li>
 *   <li><b>Listing.</b> {@link #list} returns the complete objects of one kind, never
 *       temporary or partial ones, in no particular order.</li>
 *   <li><b>Failures.</b> I/O failures are {@code LifeboatException} with
 *       {@code ErrorCode.STORAGE_IO}; {@link io.lifeboat.core.error.LifeboatException#retryable()}
 *       says whether repeating the call may succeed (timeouts, resets, throttling), so that
 *       {@link RetryingStorage} can retry them. Other failures are never retried.</li>
 * </ul>
 */
public interface Storage extends AutoCloseable {

    /** Where this storage lives, for messages (never contains credentials). */
    String location();

    /** Writes {@code content} as the object {@code handle}, atomically and durably. */
    void put(Handle handle, byte[] content);

    /**
     * Writes an object whose name is the lowercase hex SHA-256 of {@code content}, as packs,
     * index files and snapshots are named, with the guarantees of {@link #put}. A storage that
     * checks uploads in transit by their SHA-256 (S3's signed payload) takes the name as that
     * hash instead of hashing the bytes a second time; its server then refuses an upload whose
     * bytes do not match the name. The default is {@link #put}; wrappers pass the call on.
     */
    default void putContentAddressed(Handle handle, byte[] content) {
        put(handle, content);
    }

    /**
     * As {@link #putContentAddressed(Handle, byte[])} for the object {@code content[0, length)}:
     * for writers that assemble objects in reused buffers larger than the object. The storage
     * reads the bytes only during the call (the caller reuses the array afterwards). The default
     * copies them to an array of their own, always, since an adapter may keep the array it was
     * given; adapters that write the bytes out within the call override it, and wrappers pass it on.
     */
    default void putContentAddressed(Handle handle, byte[] content, int length) {
        Objects.checkFromIndexSize(0, length, content.length);
        putContentAddressed(handle, Arrays.copyOf(content, length));
    }

    /** Creates the object only when it does not exist; returns whether it was created. */
    boolean create(Handle handle, byte[] content);

    /** Reads a whole object. */
    byte[] get(Handle handle);

    /** Reads {@code length} bytes from {@code offset}. */
    byte[] getRange(Handle handle, long offset, int length);

    /**
     * As {@link #getRange(Handle, long, int)}, into {@code into[0, length)}: for callers that
     * reuse their buffers (a restore reads every pack range once). The default copies what
     * {@link #getRange(Handle, long, int)} returns, so wrappers that override only that one keep
     * their behaviour; on failure {@code into} holds anything.
     */
    default void getRange(Handle handle, long offset, int length, byte[] into) {
        Objects.checkFromIndexSize(0, length, into.length);
        System.arraycopy(getRange(handle, offset, length), 0, into, 0, length);
    }

    /** Size and time of an object, or empty when it does not exist. */
    Optional<ObjectInfo> stat(Handle handle);

    /** All complete objects of one kind. */
    List<ObjectInfo> list(ObjectKind kind);

    /** Removes an object; succeeds when it is already gone. */
    void delete(Handle handle);

    /**
     * The requests this storage has sent to a remote server since it was opened, for storages
     * that bill per request (S3); empty for those that do not count (a local directory).
     */
    default Optional<RequestCounts> requestCounts() {
        return Optional.empty();
    }

    /**
     * How many {@link #put} calls of large objects (packs) a writer should keep running at once
     * to use this storage well: 1 for a local disk, more for a remote server whose latency
     * would otherwise idle the backup. Wrappers pass on their delegate's answer.
     */
    default int preferredConcurrentWrites() {
        return 1;
    }

    /** Releases connections and file handles; the storage is unusable afterwards. */
    @Override
    void close();
}
