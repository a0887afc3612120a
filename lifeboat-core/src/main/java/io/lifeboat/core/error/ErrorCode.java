package io.lifeboat.core.error;

/**
 * The closed set of failure kinds. This table is the single place that maps a failure to a CLI
 * exit code, an HTTP status and a metric label; the exit codes are a documented contract
 * (docs/exit-codes.md) and never change meaning.
 */
public enum ErrorCode {
    /** Anything not covered below, including bugs. */
    INTERNAL(1, 500, "internal"),
    /** The command line or a parameter is wrong. */
    USAGE(2, 400, "usage"),
    /** The operation finished but some items could not be read; the result says which. */
    PARTIAL(3, 200, "partial"),
    /** No repository at the given location (no {@code config} object). */
    REPOSITORY_NOT_FOUND(10, 404, "repository_not_found"),
    /** Another process holds a conflicting lock. */
    REPOSITORY_LOCKED(11, 409, "repository_locked"),
    /** No key file could be opened with the given password. */
    WRONG_PASSWORD(12, 401, "wrong_password"),
    /** A snapshot, key, path or object that was asked for does not exist. */
    NOT_FOUND(13, 404, "not_found"),
    /** Stored data failed authentication or hashing, or an object is missing or truncated. */
    DAMAGED_DATA(14, 500, "damaged_data"),
    /** The object to create exists already (e.g. {@code init} on an existing repository). */
    ALREADY_EXISTS(15, 409, "already_exists"),
    /** The storage backend failed (I/O error, disk full, connection reset). */
    STORAGE_IO(16, 503, "storage_io"),
    /** The source (files, database, vector store) could not be read or written. */
    SOURCE_ERROR(17, 502, "source_error"),
    /** The operation was refused because it would be unsafe (e.g. removing the last key). */
    REFUSED(18, 409, "refused"),
    /** The operation was interrupted by a signal or a cancellation. */
    INTERRUPTED(130, 503, "interrupted");

    private final int exitCode;
    private final int httpStatus;
    private final String metricLabel;

    ErrorCode(int exitCode, int httpStatus, String metricLabel) {
        this.exitCode = exitCode;
        this.httpStatus = httpStatus;
        this.metricLabel = metricLabel;
    }

    public int exitCode() {
        return exitCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String metricLabel() {
        return metricLabel;
    }
}
