package io.lifeboat.source.postgres;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.sql.SQLException;

/**
 * The failures of a replication connection that users hit when setting up {@code wal receive},
 * each with what to change on the server; everything else goes to {@link PgErrors}.
 */
final class ReplicationErrors {
    private ReplicationErrors() {}

    static LifeboatException of(SQLException e, PgConnectionConfig c, String doing) {
        String msg = e.getMessage() == null ? "" : e.getMessage();
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (msg.contains("must be superuser or replication role") || msg.contains("permission denied to start WAL sender")
                || msg.contains("must be superuser or replication role to use replication slots")) {
            return noReplicationRole(c, e);
        }
        if (msg.contains("exceeds max_wal_senders") || msg.contains("max_wal_senders")) {
            return maxWalSenders(c, e);
        }
        if (msg.contains("for replication connection") || (state.equals("28000") && msg.contains("replication"))) {
            return new LifeboatException(ErrorCode.SOURCE_ERROR, doing + ": the server rejected a replication connection "
                    + "for " + c.user() + "@" + c.hostPort() + ": " + msg.strip(), "add a line 'host replication "
                    + c.user() + " <client address> scram-sha-256' to the server's pg_hba.conf and reload it", e);
        }
        return PgErrors.of(e, c, doing);
    }

    static LifeboatException noReplicationRole(PgConnectionConfig c, Exception cause) {
        return new LifeboatException(ErrorCode.SOURCE_ERROR, "user " + c.user() + " on " + c.hostPort()
                + " may not stream WAL: the role lacks the REPLICATION attribute",
                "ALTER ROLE " + PgSession.ident(c.user()) + " REPLICATION (as a superuser), or connect as a role that has it",
                cause);
    }

    static LifeboatException maxWalSenders(PgConnectionConfig c, Exception cause) {
        return new LifeboatException(ErrorCode.SOURCE_ERROR, "server " + c.hostPort() + " accepts no more replication "
                + "connections (max_wal_senders is 0 or every WAL sender is busy)",
                "set max_wal_senders (e.g. 10) and max_replication_slots in postgresql.conf and restart the server", cause);
    }
}
