package io.lifeboat.repository.lock;

import java.time.Duration;
import java.time.Instant;

/**
 * The content of a {@code locks/<id>} object.
 *
 * @param time when the lock was created or last refreshed
 * @param operation what holds it ("backup", "prune", …), for messages
 */
public record LockInfo(Instant time, boolean exclusive, String host, long pid, String username, String operation) {

    /**
     * Whether the lock is provably stale: not refreshed for longer than {@code staleAge}, or held
     * by a process of this host that no longer exists.
     */
    public boolean isStale(Instant now, Duration staleAge, String thisHost) {
        if (Duration.between(time, now).compareTo(staleAge) > 0) {
            return true;
        }
        return host != null && host.equals(thisHost) && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    }

    public String describe(Instant now) {
        long age = Math.max(0, Duration.between(time, now).toSeconds());
        return (exclusive ? "exclusive" : "shared") + " lock held by " + operation + " (pid " + pid + " on " + host
                + ", user " + username + ", refreshed " + age + "s ago)";
    }
}
