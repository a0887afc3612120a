package io.lifeboat.repository;

import io.lifeboat.repository.lock.LockPolicy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
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
        return new ClientContext(hostName(), System.getProperty("user.name", "unknown"), new SystemClock(),
                LockPolicy.DEFAULT);
    }

    /**
     * The system clock in the system's time zone, looked up when first asked for: most commands
     * never need the zone, and finding it (the JDK's time zone data) took about 20 ms of every
     * command's start on a fresh JVM.
     */
    static final class SystemClock extends Clock {
        private volatile ZoneId zone;

        @Override
        public ZoneId getZone() {
            ZoneId z = zone;
            if (z == null) {
                z = ZoneId.systemDefault();
                zone = z;
            }
            return z;
        }

        @Override
        public Clock withZone(ZoneId z) {
            return Clock.system(z);
        }

        @Override
        public long millis() {
            return System.currentTimeMillis();
        }

        @Override
        public Instant instant() {
            return Instant.now();
        }

        @Override
        public String toString() {
            return "SystemClock[" + getZone() + "]";
        }
    }

    /**
     * The machine's name as {@code gethostname()} gives it. On Linux it is read from the kernel:
     * {@code InetAddress.getLocalHost()} returns the same name but resolves it first: a few
     * milliseconds on a healthy machine, seconds for every command (and every {@code wal push}
     * of an archive_command) when the resolver is slow or unreachable.
     */
    private static String hostName() {
        try {
            String name = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (java.io.IOException | RuntimeException e) {
            // Not Linux, or no /proc: ask the JDK.
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return System.getenv().getOrDefault("HOSTNAME", "localhost");
        }
    }

    public ClientContext withLockPolicy(LockPolicy policy) {
        return new ClientContext(host, username, clock, policy);
    }
}
