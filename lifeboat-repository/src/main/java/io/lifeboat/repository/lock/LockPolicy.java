package io.lifeboat.repository.lock;

import java.time.Duration;

/**
 * Timing of locks. A lock is refreshed every {@code refreshInterval}; one not refreshed for
 * {@code staleAge} is stale. {@code retryFor} is how long acquiring waits for a conflicting lock
 * to go away before giving up.
 */
public record LockPolicy(Duration refreshInterval, Duration staleAge, Duration retryFor) {
    public static final LockPolicy DEFAULT = new LockPolicy(Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ZERO);

    public LockPolicy {
        // plus(), not multipliedBy(2): that one computes with BigDecimal, whose first use costs
        // about 25 ms of every command's start (and a second core for part of it).
        if (refreshInterval.isNegative() || refreshInterval.isZero() || staleAge.compareTo(refreshInterval.plus(refreshInterval)) < 0) {
            throw new IllegalArgumentException("stale age must be at least twice the refresh interval");
        }
    }

    public LockPolicy withRetryFor(Duration d) {
        return new LockPolicy(refreshInterval, staleAge, d);
    }
}
