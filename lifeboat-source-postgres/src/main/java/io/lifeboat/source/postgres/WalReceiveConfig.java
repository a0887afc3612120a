package io.lifeboat.source.postgres;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * A {@code wal receive} run: where to connect, which physical replication slot to use (created
 * when {@code createSlot}), where the partial segment is spooled, how often the segment being
 * received is also stored in the repository, and when to stop.
 *
 * @param password the database password, or {@code null} when the server asks for none
 * @param until stop once the WAL up to this position is in the repository; null: run until stopped
 * @param once stop once the WAL the server had flushed when the receiver started is in the repository
 */
public record WalReceiveConfig(PgConnectionConfig connection, PgPassword password, String slot, boolean createSlot,
        Path spool, Duration streamingInterval, io.lifeboat.source.postgres.physical.Lsn until, boolean once) {
    public static final String DEFAULT_SLOT = "lifeboat";
    public static final Duration DEFAULT_STREAMING_INTERVAL = Duration.ofSeconds(10);

    public WalReceiveConfig {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(spool, "spool");
        if (slot == null || !slot.matches("[a-z0-9_]{1,63}")) {
            throw PgConnectionConfig.usage("replication slot name '" + slot + "' is not valid",
                    "use lower-case letters, digits and underscores (at most 63), e.g. --slot lifeboat");
        }
        if (streamingInterval == null || streamingInterval.isNegative() || streamingInterval.isZero()) {
            throw PgConnectionConfig.usage("--partial-interval must be positive", "e.g. --partial-interval 10s");
        }
    }
}
