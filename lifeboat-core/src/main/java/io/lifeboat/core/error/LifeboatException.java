package io.lifeboat.core.error;

import java.util.Objects;

/**
 * The one unchecked root of Lifeboat's failures. The message says what failed and on which
 * object; the hint, when present, says how to fix it. Messages never contain secrets.
 */
public class LifeboatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final String hint;
    private final boolean retryable;

    public LifeboatException(ErrorCode code, String message) {
        this(code, message, null, null, false);
    }

    public LifeboatException(ErrorCode code, String message, String hint) {
        this(code, message, hint, null, false);
    }

    public LifeboatException(ErrorCode code, String message, String hint, Throwable cause) {
        this(code, message, hint, cause, false);
    }

    public LifeboatException(ErrorCode code, String message, String hint, Throwable cause, boolean retryable) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.code = Objects.requireNonNull(code, "code");
        this.hint = hint;
        this.retryable = retryable;
    }

    public ErrorCode code() {
        return code;
    }

    /** How to fix the problem, or {@code null}. */
    public String hint() {
        return hint;
    }

    /** Whether repeating the same call may succeed (transient I/O, throttling, reset connections). */
    public boolean retryable() {
        return retryable;
    }

    public static LifeboatException notFound(String what, String hint) {
        return new LifeboatException(ErrorCode.NOT_FOUND, what + ": not found", hint);
    }

    public static LifeboatException damaged(String what, String hint) {
        return new LifeboatException(ErrorCode.DAMAGED_DATA, what, hint);
    }
}
