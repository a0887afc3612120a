package io.lifeboat.repository;

import io.lifeboat.repository.lock.LockPolicy;
import java.time.Clock;
import java.util.Objects;

/**
 * Who is using the repository and how: the host and user recorded in snapshots, keys and locks,
 * the clock, and lock timing. Passed in so tests control all of it.
 */
public record ClientContext(String host, String username, Clock clock, LockPolicy lockPolicy) {
    public ClientContext {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(lockPolicy, "lockPolicy");
    }

    /**
     * The real host name, the OS user, the system clock and default lock timing. The clock's zone
     * is the system's: it is the user's time zone where one matters (retention buckets, dates).
     */
    public static ClientContext system() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = System.getenv().getOrDefault("HOSTNAME", "localhost");
        }
        return new ClientContext(host, System.getProperty("user.name", "unknown"), Clock.systemDefaultZone(), LockPolicy.DEFAULT);
    }

    public ClientContext withLockPolicy(LockPolicy policy) {
        return new ClientContext(host, username, clock, policy);
    }
}
