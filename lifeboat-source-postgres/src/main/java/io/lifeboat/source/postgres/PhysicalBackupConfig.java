package io.lifeboat.source.postgres;

import io.lifeboat.source.postgres.physical.WalCoverage;
import java.time.Duration;
import java.util.Objects;

/**
 * A physical (base) backup: where to connect, how to find pg_basebackup, the repository's WAL
 * archive, and how long to wait for the WAL of the backup to be archived.
 */
public record PhysicalBackupConfig(PostgresSourceConfig source, WalCoverage wal, Duration walTimeout) {
    public static final Duration DEFAULT_WAL_TIMEOUT = Duration.ofMinutes(5);

    public PhysicalBackupConfig {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(wal, "wal");
        if (walTimeout == null || walTimeout.isNegative() || walTimeout.isZero()) {
            throw new IllegalArgumentException("walTimeout must be positive");
        }
    }
}
