package io.lifeboat.source.postgres;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Verification of a restored physical backup, in two steps: {@link #verifyFiles} before the
 * server starts ({@code pg_verifybackup} against the {@code backup_manifest} the backup carries;
 * WAL is not parsed, it is in the repository, not in {@code pg_wal}), and {@link #verifyServer}
 * once recovery has ended and the server accepts writes (a query, then {@code amcheck}'s
 * {@code bt_index_check} on every valid B-tree index of every database that allows connections).
 * {@code CREATE EXTENSION IF NOT EXISTS amcheck} is the only change made to the restored cluster.
 */
public final class RecoveryVerification {
    /** What {@code pg_verifybackup} said: {@code ran} false when it does not apply, with the reason. */
    public record FileCheck(boolean ran, boolean ok, String detail) {}

    /** One database's indexes checked, or the error that stopped the check. */
    public record DatabaseCheck(String database, int indexes, List<String> errors) {
        public DatabaseCheck {
            errors = List.copyOf(errors);
        }
    }

    /** The server's answer to the query, and amcheck per database. */
    public record Server(String version, long databases, List<DatabaseCheck> amcheck) {
        public Server {
            amcheck = List.copyOf(amcheck);
        }

        public boolean ok() {
            return amcheck.stream().allMatch(d -> d.errors().isEmpty());
        }

        public int indexes() {
            return amcheck.stream().mapToInt(DatabaseCheck::indexes).sum();
        }
    }

    private RecoveryVerification() {}

    /**
     * Runs {@code pg_verifybackup --no-parse-wal} on the restored directory (it ignores
     * {@code postgresql.auto.conf}, {@code recovery.signal} and {@code pg_wal} by itself, which the
     * restore writes or leaves empty). Does not apply to a backup without a manifest.
     */
    public static FileCheck verifyFiles(Path bin, Path dataDir) {
        if (!Files.exists(dataDir.resolve("backup_manifest"))) {
            return new FileCheck(false, true, "the base backup has no backup_manifest (server before PostgreSQL 13 or "
                    + "pg_basebackup --no-manifest)");
        }
        Path tool = bin.resolve("pg_verifybackup");
        if (!Files.isExecutable(tool)) {
            return new FileCheck(false, true, tool + " is not installed");
        }
        try {
            ProcessBuilder pb = new ProcessBuilder(tool.toString(), "--no-parse-wal", dataDir.toString()).redirectErrorStream(true);
            pb.environment().put("LC_ALL", "C");
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(Duration.ofHours(1).toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new LifeboatException(ErrorCode.SOURCE_ERROR, tool + " did not finish within an hour", null);
            }
            String text = new String(out, StandardCharsets.UTF_8).strip();
            return new FileCheck(true, p.exitValue() == 0, text);
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.SOURCE_ERROR, "cannot run " + tool + ": " + e.getMessage(),
                    "install the PostgreSQL client programs of the backup's version, or pass --pg-bin", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifeboatException(ErrorCode.INTERRUPTED, "interrupted while running pg_verifybackup", null, e);
        }
    }

    /**
     * Connects to the started server ({@code connection} names its first database), runs a query,
     * then amcheck on every database. A failed connection or query is an error; an index that
     * fails amcheck is reported in the result.
     */
    public static Server verifyServer(PgConnectionConfig connection, PgPassword password) {
        List<String> names = new ArrayList<>();
        String version;
        long databases;
        try (Connection c = DriverManager.getConnection(connection.jdbcUrl(), connection.jdbcProperties(password));
                Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT current_setting('server_version'), pg_is_in_recovery(), "
                    + "(SELECT count(*) FROM pg_database)")) {
                rs.next();
                version = rs.getString(1);
                if (rs.getBoolean(2)) {
                    throw new LifeboatException(ErrorCode.SOURCE_ERROR, "the restored server on port " + connection.port()
                            + " is still in recovery", "verification needs --target-action promote");
                }
                databases = rs.getLong(3);
            }
            try (ResultSet rs = st.executeQuery("SELECT datname FROM pg_database WHERE datallowconn ORDER BY datname")) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new LifeboatException(ErrorCode.SOURCE_ERROR, "cannot query the restored server on port " + connection.port()
                    + " as " + connection.user() + ": " + e.getMessage(),
                    "give a user with --verify-user and its password (PGPASSWORD, ~/.pgpass or --pg-password-file), or "
                            + "skip the check with --no-verify", e);
        }
        List<DatabaseCheck> checks = new ArrayList<>();
        for (String db : names) {
            checks.add(amcheck(connection.withDatabase(db), password));
        }
        return new Server(version, databases, checks);
    }

    private static DatabaseCheck amcheck(PgConnectionConfig c, PgPassword password) {
        List<String> errors = new ArrayList<>();
        int checked = 0;
        try (Connection conn = DriverManager.getConnection(c.jdbcUrl(), c.jdbcProperties(password));
                Statement st = conn.createStatement()) {
            st.execute("CREATE EXTENSION IF NOT EXISTS amcheck");
            List<String[]> indexes = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("""
                    SELECT c.oid::text, n.nspname || '.' || c.relname
                    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                    JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am am ON am.oid = c.relam
                    WHERE am.amname = 'btree' AND i.indisvalid AND i.indisready AND c.relpersistence <> 't'
                    ORDER BY 2""")) {
                while (rs.next()) {
                    indexes.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
            for (String[] index : indexes) {
                try {
                    st.execute("SELECT bt_index_check(" + Long.parseLong(index[0]) + "::oid)");
                    checked++;
                } catch (SQLException e) {
                    errors.add("index " + index[1] + ": " + e.getMessage());
                }
            }
        } catch (SQLException e) {
            errors.add("database " + c.database() + ": " + e.getMessage());
        }
        return new DatabaseCheck(c.database(), checked, errors);
    }
}
