package io.lifeboat.core.storage;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link RetryingStorage} retries: at most {@code maxAttempts} calls in total (the first
 * one included), waiting before retry {@code n} (1-based) a base delay of
 * {@code initialDelay * 2^(n-1)}, capped at {@code maxDelay}, and then jittered (see
 * {@link RetryingStorage}).
 *
 * <p>Defaults ({@link #defaults()}): 5 attempts, 200 ms, 10 s; the waits then add up to at
 * most 3 s, which rides out a reset connection or a throttling burst without hiding an outage.
 */
public record RetryingStorageConfig(int maxAttempts, Duration initialDelay, Duration maxDelay) {
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofMillis(200);
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(10);

    /** More attempts than this only delay an error the user has to see anyway. */
    static final int MAX_MAX_ATTEMPTS = 100;
    /** A storage call waiting longer than this between attempts looks hung to the user. */
    static final Duration MAX_MAX_DELAY = Duration.ofHours(1);

    public RetryingStorageConfig {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (maxAttempts < 1 || maxAttempts > MAX_MAX_ATTEMPTS) {
            throw invalid("maxAttempts must be between 1 and " + MAX_MAX_ATTEMPTS + ", got " + maxAttempts);
        }
        if (initialDelay.isNegative()) {
            throw invalid("initialDelay must not be negative, got " + initialDelay);
        }
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw invalid("maxDelay (" + maxDelay + ") must not be shorter than initialDelay (" + initialDelay + ")");
        }
        if (maxDelay.compareTo(MAX_MAX_DELAY) > 0) {
            throw invalid("maxDelay must be at most " + MAX_MAX_DELAY + ", got " + maxDelay);
        }
    }

    public static RetryingStorageConfig defaults() {
        return new RetryingStorageConfig(DEFAULT_MAX_ATTEMPTS, DEFAULT_INITIAL_DELAY, DEFAULT_MAX_DELAY);
    }

    public RetryingStorageConfig withMaxAttempts(int attempts) {
        return new RetryingStorageConfig(attempts, initialDelay, maxDelay);
    }

    public RetryingStorageConfig withDelays(Duration initial, Duration max) {
        return new RetryingStorageConfig(maxAttempts, initial, max);
    }

    /** The delay before retry {@code retry} (1 = the second attempt) before jitter is applied. */
    public Duration baseDelay(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry numbers start at 1, got " + retry);
        }
        Duration delay = initialDelay;
        for (int i = 1; i < retry && delay.compareTo(maxDelay) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }

    private static LifeboatException invalid(String message) {
        return new LifeboatException(ErrorCode.USAGE, "invalid storage retry settings: " + message,
                "use at least 1 attempt and delays with initial <= max, e.g. 5 attempts, 200ms, 10s");
    }
}
