package io.lifeboat.core.storage;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * Repeats storage calls that fail with a {@link LifeboatException#retryable() retryable} error,
 * waiting longer after each failure.
 *
 * <h2>Behaviour</h2>
 * <ul>
 *   <li>Only {@code LifeboatException}s whose {@code retryable()} is true are retried. Anything
 *       else (NOT_FOUND, DAMAGED_DATA, permission denied, disk full, bugs) is rethrown at once,
 *       unchanged.</li>
 *   <li>Before retry {@code n} it waits {@link RetryingStorageConfig#baseDelay(int)} jittered
 *       to a uniformly random point of {@code [base/2, base]} ("equal jitter"): clients that
 *       failed together spread out, and the waits still grow and never exceed the cap.</li>
 *   <li>After {@code maxAttempts} failed attempts it throws a non-retryable exception with the
 *       same code and hint as the last failure, that failure as its cause and the earlier ones as
 *       suppressed exceptions. It is non-retryable so that an outer layer does not multiply the
 *       attempts.</li>
 *   <li>Every attempt repeats the whole call: an adapter writes a fresh temporary and never
 *       re-syncs a file whose earlier sync failed.</li>
 * </ul>
 *
 * <h2>{@code create} under retry</h2>
 * An attempt can fail after the object was written (a connection reset after the server stored
 * it); the next attempt then finds the object present and the wrapped storage answers
 * {@code false}. So when {@code create} answers {@code false} <em>after an earlier attempt
 * failed</em>, this wrapper reads the object: if its content is identical to the content being
 * created, it reports {@code true}. Consequence for callers: two writers creating byte-identical
 * content can both be told {@code true}; a caller that needs to know it won (a lock) must put
 * something unique in the content (host, pid, a random nonce), which lock objects do anyway.
 * When the object is gone again by the time it is read, the answer is {@code false}. A
 * {@code false} on the first attempt is returned as is, without reading.
 *
 * <p>Thread safe when the wrapped storage is; the random generator is shared and must be thread
 * safe ({@link Random} is).
 */
public final class RetryingStorage implements Storage {

    /** Waits between attempts; tests pass one that records instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final Storage delegate;
    private final RetryingStorageConfig config;
    private final Sleeper sleeper;
    private final RandomGenerator random;

    public RetryingStorage(Storage delegate, RetryingStorageConfig config, Sleeper sleeper, RandomGenerator random) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.config = Objects.requireNonNull(config, "config");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Sleeps with {@link Thread#sleep(Duration)} and jitters with a new {@link Random}. */
    public RetryingStorage(Storage delegate, RetryingStorageConfig config) {
        this(delegate, config, Thread::sleep, new Random());
    }

    public RetryingStorageConfig config() {
        return config;
    }

    @Override
    public String location() {
        return delegate.location();
    }

    @Override
    public void put(Handle handle, byte[] content) {
        run(retried -> {
            delegate.put(handle, content);
            return null;
        });
    }

    @Override
    public void putContentAddressed(Handle handle, byte[] content) {
        run(retried -> {
            delegate.putContentAddressed(handle, content);
            return null;
        });
    }

    @Override
    public void putContentAddressed(Handle handle, byte[] content, int length) {
        run(retried -> {
            delegate.putContentAddressed(handle, content, length);
            return null;
        });
    }

    @Override
    public boolean create(Handle handle, byte[] content) {
        return run(retried -> {
            if (delegate.create(handle, content)) {
                return true;
            }
            return retried && isAlreadyStored(handle, content);
        });
    }

    @Override
    public byte[] get(Handle handle) {
        return run(retried -> delegate.get(handle));
    }

    @Override
    public byte[] getRange(Handle handle, long offset, int length) {
        return run(retried -> delegate.getRange(handle, offset, length));
    }

    @Override
    public void getRange(Handle handle, long offset, int length, byte[] into) {
        run(retried -> {
            delegate.getRange(handle, offset, length, into);
            return null;
        });
    }

    @Override
    public Optional<ObjectInfo> stat(Handle handle) {
        return run(retried -> delegate.stat(handle));
    }

    @Override
    public List<ObjectInfo> list(ObjectKind kind) {
        return run(retried -> delegate.list(kind));
    }

    @Override
    public void delete(Handle handle) {
        run(retried -> {
            delegate.delete(handle);
            return null;
        });
    }

    @Override
    public Optional<RequestCounts> requestCounts() {
        return delegate.requestCounts();
    }

    @Override
    public int preferredConcurrentWrites() {
        return delegate.preferredConcurrentWrites();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return "RetryingStorage[" + delegate.location() + ", " + config + "]";
    }

    /** Whether the object holds exactly {@code content}: then an earlier, failed attempt wrote it. */
    private boolean isAlreadyStored(Handle handle, byte[] content) {
        try {
            return Arrays.equals(delegate.get(handle), content);
        } catch (LifeboatException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    private <T> T run(Attempt<T> attempt) {
        List<LifeboatException> failures = new ArrayList<>();
        for (int number = 1; ; number++) {
            try {
                return attempt.run(number > 1);
            } catch (LifeboatException e) {
                if (!e.retryable()) {
                    throw e;
                }
                failures.add(e);
                if (number >= config.maxAttempts()) {
                    throw givingUp(failures);
                }
                pause(number, failures);
            }
        }
    }

    private void pause(int retry, List<LifeboatException> failures) {
        Duration base = config.baseDelay(retry);
        long baseNanos = base.toNanos();
        long half = baseNanos / 2;
        Duration delay = Duration.ofNanos(half + random.nextLong(baseNanos - half + 1));
        try {
            sleeper.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LifeboatException last = failures.get(failures.size() - 1);
            LifeboatException interrupted = new LifeboatException(ErrorCode.INTERRUPTED,
                    "interrupted while waiting to retry on " + delegate.location() + " after: " + last.getMessage(),
                    last.hint(), last);
            interrupted.addSuppressed(e);
            throw interrupted;
        }
    }

    private LifeboatException givingUp(List<LifeboatException> failures) {
        LifeboatException last = failures.get(failures.size() - 1);
        LifeboatException error = new LifeboatException(last.code(),
                last.getMessage() + " (gave up after " + failures.size() + " attempts)", last.hint(), last, false);
        for (LifeboatException earlier : failures.subList(0, failures.size() - 1)) {
            if (earlier != last) {
                error.addSuppressed(earlier);
            }
        }
        return error;
    }

    /** One call to the wrapped storage; {@code retried} is true from the second attempt on. */
    @FunctionalInterface
    private interface Attempt<T> {
        T run(boolean retried);
    }
}
