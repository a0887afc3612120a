package io.lifeboat.storage.local;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Turns an {@link IOException} of the local file system into the {@link LifeboatException} the
 * storage contract asks for: {@code STORAGE_IO}, naming the object and the repository, with a
 * hint, and saying whether a retry may help.
 *
 * <h2>Which failures are retryable</h2>
 * The JDK reports most errno values only as text ({@code FileSystemException.getReason()}, the
 * C library's {@code strerror}), so they are recognized by that text. Failures that stay until a
 * person acts are <em>not</em> retryable: permission denied, no space left, quota exceeded,
 * read-only file system, a file where a folder belongs (and the reverse), names too long.
 * Everything else (EIO, ESTALE and timeouts on network file systems, too many open files) is
 * retryable: a retry costs a few seconds and redoes the whole operation with a fresh temporary,
 * so it never trusts a file whose earlier sync failed.
 */
final class FileSystemFailure {

    /** A cause recognizable by its text, how to fix it, and whether a retry may succeed. */
    private enum Kind {
        NO_SPACE(false, "no space left on device"),
        QUOTA(false, "disk quota exceeded"),
        PERMISSION(false, "permission denied", "operation not permitted"),
        READ_ONLY(false, "read-only file system"),
        IN_THE_WAY(false, "not a directory", "is a directory", "too many levels of symbolic links",
                "directory not empty"),
        NAME_TOO_LONG(false, "file name too long"),
        OTHER(true);

        final boolean retryable;
        final String[] reasons;

        Kind(boolean retryable, String... reasons) {
            this.retryable = retryable;
            this.reasons = reasons;
        }

        static Kind of(IOException e, String reason) {
            if (e instanceof AccessDeniedException) {
                return PERMISSION;
            }
            String text = reason.toLowerCase(Locale.ROOT);
            for (Kind kind : values()) {
                for (String known : kind.reasons) {
                    if (text.contains(known)) {
                        return kind;
                    }
                }
            }
            return OTHER;
        }

        String hint(Path root) {
            return switch (this) {
                case NO_SPACE -> "free space on the file system that holds " + root
                        + " (remove old snapshots with 'lifeboat forget --prune' or move other files away),"
                        + " then run the command again; objects written before are intact";
                case QUOTA -> "raise the disk quota of the user running lifeboat, or free space under " + root
                        + ", then run the command again";
                case PERMISSION -> "make " + root + " and everything in it owned and writable by the user"
                        + " running lifeboat (lifeboat creates it with mode 0700)";
                case READ_ONLY -> "remount the file system that holds " + root
                        + " read-write, or use another repository location";
                case IN_THE_WAY -> "a file or folder that does not belong to the repository is in the way;"
                        + " run 'lifeboat check' and move files that lifeboat did not write out of " + root;
                case NAME_TOO_LONG -> "use a shorter path for the repository than " + root;
                case OTHER -> "if this keeps failing, check the file system and the kernel log (dmesg)"
                        + " for I/O errors";
            };
        }
    }

    private FileSystemFailure() {}

    /**
     * The failure of {@code action} (e.g. {@code "write data/3f/3fa2…"}) in the repository at
     * {@code root}.
     */
    static LifeboatException of(IOException e, String action, Path root) {
        if (e instanceof ClosedByInterruptException || e instanceof InterruptedIOException) {
            return new LifeboatException(ErrorCode.INTERRUPTED, "interrupted while trying to " + action + " in " + root,
                    "nothing was committed by the interrupted call; run the command again", e);
        }
        String reason = reason(e);
        Kind kind = Kind.of(e, reason);
        return new LifeboatException(ErrorCode.STORAGE_IO, "cannot " + action + " in " + root + ": " + reason,
                kind.hint(root), e, kind.retryable);
    }

    /** Whether {@code e} says "there is no such object" rather than "the file system failed". */
    static boolean isMissing(IOException e) {
        if (e instanceof NoSuchFileException) {
            return true;
        }
        String text = reason(e).toLowerCase(Locale.ROOT);
        return text.contains("not a directory") || text.contains("is a directory");
    }

    /** The file system's own words ({@code strerror}) without the path the JDK puts in front. */
    static String reason(IOException e) {
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
