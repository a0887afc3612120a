package io.lifeboat.source.postgres;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.sql.SQLException;

/**
 * Turns server and client failures into {@link LifeboatException}s that say what failed, where,
 * and how to fix it. Recognises the SQLSTATEs (and libpq's messages, for the children) of the
 * failures users hit: unreachable server, bad password, missing database, missing privilege.
 * Messages never hold the password: pgjdbc and libpq do not print it, and child output is
 * scrubbed with {@link PgPassword#scrub} before it gets here.
 */
final class PgErrors {
    static final String PASSWORD_HINT = "give the database password with PGPASSWORD, a ~/.pgpass line "
            + "(host:port:database:user:password) or --pg-password-file FILE";
    static final String PRIVILEGE_HINT = "run as the database owner or a superuser, or GRANT pg_read_all_data "
            + "(backup) / CREATEDB and ownership (restore) to the user";

    private PgErrors() {}

    static LifeboatException of(SQLException e, PgConnectionConfig c, String doing) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String msg = e.getMessage() == null ? e.toString() : e.getMessage().strip();
        String where = c.user() + "@" + c.hostPort() + "/" + c.database();
        if (state.equals("28P01") || msg.contains("no password was provided") || msg.contains("password authentication failed")) {
            return new LifeboatException(ErrorCode.SOURCE_ERROR, doing + ": password authentication failed for "
                    + where, PASSWORD_HINT, e);
        }
        if (state.equals("28000")) {
            return new LifeboatException(ErrorCode.SOURCE_ERROR, doing + ": the server rejected " + where + ": " + msg,
                    "allow this user, database and client address in the server's pg_hba.conf", e);
        }
        if (state.equals("3D000")) {
            return new LifeboatException(ErrorCode.NOT_FOUND, doing + ": database '" + c.database()
                    + "' does not exist on " + c.hostPort(), "check the database name (psql -l lists them)", e);
        }
        if (state.equals("42501")) {
            return new LifeboatException(ErrorCode.SOURCE_ERROR, doing + ": insufficient privilege on " + where
                    + ": " + msg, PRIVILEGE_HINT, e);
        }
        if (msg.contains("SSL") && (state.startsWith("08") || state.isEmpty())) {
            return new LifeboatException(ErrorCode.SOURCE_ERROR, doing + ": TLS with PostgreSQL at " + c.hostPort()
                    + " failed: " + msg, "the server's TLS setup does not fit sslmode=" + c.options().getOrDefault("sslmode",
                    "prefer") + ": enable ssl on the server, or check sslmode and sslrootcert", e);
        }
        if (state.startsWith("08") || state.equals("57P03")) {
            return new LifeboatException(ErrorCode.SOURCE_ERROR, doing + ": cannot connect to PostgreSQL at "
                    + c.hostPort() + ": " + msg, "check that the server runs and accepts TCP connections there "
                    + "(pg_isready -h " + c.host() + " -p " + c.port() + "), and the host and port given", e, true);
        }
        return new LifeboatException(ErrorCode.SOURCE_ERROR, doing + " on " + where + " failed: " + msg
                + (state.isEmpty() ? "" : " (SQLSTATE " + state + ")"), "see the server log for details", e);
    }

    /** Whether a server or client error says that a disk is full. */
    static boolean isDiskFull(String error) {
        return error.contains("No space left on device") || error.contains("could not extend file");
    }

    /** A failed child (pg_dump, pg_restore), from its exit code and the first error lines it printed. */
    static LifeboatException ofChild(String program, int exitCode, java.util.List<String> stderr, PgConnectionConfig c) {
        String errors = String.join("; ", stderr.stream().filter(l -> l.contains("error") || l.contains("FATAL")
                || l.contains("fatal")).limit(5).toList());
        if (errors.isEmpty()) {
            errors = String.join("; ", stderr.stream().limit(5).toList());
        }
        String msg = program + " failed (exit code " + exitCode + ") for " + c.identity() + (errors.isEmpty() ? "" : ": " + errors);
        if (errors.contains("password authentication failed") || errors.contains("no password supplied")) {
            return new LifeboatException(ErrorCode.SOURCE_ERROR, msg, PASSWORD_HINT);
        }
        if (errors.contains("permission denied") || errors.contains("must be owner")) {
            return new LifeboatException(ErrorCode.SOURCE_ERROR, msg, PRIVILEGE_HINT);
        }
        if (isDiskFull(errors)) {
            return new LifeboatException(ErrorCode.SOURCE_ERROR, msg, "free disk space on the database server and run again");
        }
        return new LifeboatException(ErrorCode.SOURCE_ERROR, msg, "see the messages above and the server log");
    }
}
