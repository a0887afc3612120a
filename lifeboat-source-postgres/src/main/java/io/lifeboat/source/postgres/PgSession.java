package io.lifeboat.source.postgres;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.source.postgres.DumpMetadata.Extension;
import io.lifeboat.source.postgres.DumpMetadata.TableCount;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * One JDBC connection to one database, with the queries the logical source and restore target
 * need. Not thread safe: one thread at a time (the source hands it to its counting thread while
 * pg_dump runs). Every failure becomes a {@link LifeboatException} via {@link PgErrors}.
 */
final class PgSession implements AutoCloseable {
    /** Tables whose data pg_dump writes: ordinary tables outside system schemas and extensions. */
    private static final String TABLES = """
            SELECT n.nspname, c.relname, has_table_privilege(c.oid, 'SELECT')
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind = 'r' AND c.relpersistence <> 't'
               AND n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                               AND d.objid = c.oid AND d.deptype = 'e')
             ORDER BY 1, 2""";

    private final Connection conn;
    private final PgConnectionConfig config;

    private PgSession(Connection conn, PgConnectionConfig config) {
        this.conn = conn;
        this.config = config;
    }

    static PgSession connect(PgConnectionConfig config, PgPassword password, String doing) {
        try {
            Connection c = DriverManager.getConnection(config.jdbcUrl(), config.jdbcProperties(password));
            return new PgSession(c, config);
        } catch (SQLException e) {
            throw PgErrors.of(e, config, doing);
        }
    }

    PgConnectionConfig config() {
        return config;
    }

    /** The server's facts, read outside any snapshot (they do not depend on one). */
    DumpMetadata facts() {
        try (Statement st = conn.createStatement()) {
            String version;
            int num;
            long size;
            String enc;
            String coll;
            String ctype;
            try (ResultSet rs = st.executeQuery("""
                    SELECT current_setting('server_version'), current_setting('server_version_num')::int,
                           pg_database_size(d.oid), pg_encoding_to_char(d.encoding), d.datcollate, d.datctype
                      FROM pg_database d WHERE d.datname = current_database()""")) {
                rs.next();
                version = rs.getString(1);
                num = rs.getInt(2);
                size = rs.getLong(3);
                enc = rs.getString(4);
                coll = rs.getString(5);
                ctype = rs.getString(6);
            }
            List<Extension> ext = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("""
                    SELECT e.extname, e.extversion, n.nspname FROM pg_extension e
                      JOIN pg_namespace n ON n.oid = e.extnamespace ORDER BY 1""")) {
                while (rs.next()) {
                    ext.add(new Extension(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
            String sysid = null;
            try (ResultSet rs = st.executeQuery("""
                    SELECT CASE WHEN has_function_privilege('pg_control_system()', 'EXECUTE')
                                THEN (SELECT system_identifier::text FROM pg_control_system()) END""")) {
                rs.next();
                sysid = rs.getString(1);
            }
            return new DumpMetadata(config.host(), config.port(), config.user(), config.database(), version, num, sysid,
                    size, enc, coll, ctype, ext, null, null, null, List.of(), DumpMetadata.FORMAT, 0, null, 0);
        } catch (SQLException e) {
            throw PgErrors.of(e, config, "reading the server's facts");
        }
    }

    /**
     * Starts a REPEATABLE READ, READ ONLY transaction and exports its snapshot.
     *
     * @return the snapshot name, the server time and the WAL position (or null) in that snapshot
     */
    String[] exportSnapshot() {
        try {
            conn.setAutoCommit(false);
            conn.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            conn.setReadOnly(true);
            try (Statement st = conn.createStatement();
                    ResultSet rs = st.executeQuery("""
                            SELECT pg_export_snapshot(), to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                                   CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()::text
                                        ELSE pg_current_wal_lsn()::text END""")) {
                rs.next();
                return new String[] {rs.getString(1), rs.getString(2), rs.getString(3)};
            }
        } catch (SQLException e) {
            throw PgErrors.of(e, config, "exporting a snapshot");
        }
    }

    /** The tables pg_dump will dump (rows not yet counted); fails naming those the user may not read. */
    List<TableCount> tables() {
        List<TableCount> out = new ArrayList<>();
        List<String> denied = new ArrayList<>();
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery(TABLES)) {
            while (rs.next()) {
                TableCount t = new TableCount(rs.getString(1), rs.getString(2), -1);
                out.add(t);
                if (!rs.getBoolean(3)) {
                    denied.add(t.qualified());
                }
            }
        } catch (SQLException e) {
            throw PgErrors.of(e, config, "listing tables");
        }
        if (!denied.isEmpty()) {
            throw new LifeboatException(ErrorCode.SOURCE_ERROR, "insufficient privilege: user " + config.user()
                    + " may not read " + denied.size() + " table(s) of " + config.identity() + ": "
                    + String.join(", ", denied.stream().limit(10).toList()), PgErrors.PRIVILEGE_HINT);
        }
        return out;
    }

    /**
     * The on-disk size ({@code pg_table_size}: heap, TOAST, free space map) of every table that
     * {@link #tables} lists, in the same order; what a parallel dump balances its parts by.
     */
    List<TablePartition.SizedTable> tableSizes(List<TableCount> tables) {
        List<TablePartition.SizedTable> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("""
                SELECT pg_table_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = ? AND c.relname = ?""")) {
            for (TableCount t : tables) {
                ps.setString(1, t.schema());
                ps.setString(2, t.name());
                long bytes = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        bytes = rs.getLong(1);
                    }
                }
                out.add(new TablePartition.SizedTable(new DumpLayout.TableRef(t.schema(), t.name()), bytes));
            }
        } catch (SQLException e) {
            throw PgErrors.of(e, config, "reading table sizes");
        }
        return out;
    }

    /** Exact row count of one table (only that table, not its inheritance children). */
    long countRows(String schema, String name) {
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM ONLY " + ident(schema) + "." + ident(name))) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw PgErrors.of(e, config, "counting rows of " + schema + "." + name);
        }
    }

    /** Whether a table exists (used after a restore, where a table may be missing). */
    boolean tableExists(String schema, String name) {
        try (PreparedStatement ps = conn.prepareStatement("""
                SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')""")) {
            ps.setString(1, schema);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw PgErrors.of(e, config, "looking up table " + schema + "." + name);
        }
    }

    /**
     * Drops the foreign keys defined on these tables, where they exist. A restore in parts with
     * {@code clean} does this first: it drops and re-creates the tables before their foreign keys
     * (which come back with the post-data section), and a table that another one still references
     * cannot be dropped.
     *
     * @return the constraints dropped, as {@code schema.table.constraint}
     */
    List<String> dropForeignKeys(List<DumpLayout.TableRef> tables) {
        List<String> dropped = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("""
                SELECT con.conname FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
                  JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE con.contype = 'f' AND n.nspname = ? AND c.relname = ? ORDER BY 1""");
                Statement st = conn.createStatement()) {
            for (DumpLayout.TableRef t : tables) {
                ps.setString(1, t.schema());
                ps.setString(2, t.name());
                List<String> names = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        names.add(rs.getString(1));
                    }
                }
                for (String name : names) {
                    st.execute("ALTER TABLE " + t.pattern() + " DROP CONSTRAINT IF EXISTS " + ident(name));
                    dropped.add(t.qualified() + "." + name);
                }
            }
        } catch (SQLException e) {
            throw PgErrors.of(e, config, "dropping the foreign keys of the tables to restore");
        }
        return dropped;
    }

    /** The databases a server backup dumps: those that accept connections, templates excluded. */
    List<String> databases() {
        List<String> out = new ArrayList<>();
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw PgErrors.of(e, config, "listing databases");
        }
        return out;
    }

    boolean databaseExists(String name) {
        try (PreparedStatement ps = conn.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw PgErrors.of(e, config, "looking up database " + name);
        }
    }

    /**
     * What this database holds besides what a fresh {@code CREATE DATABASE} has: relations,
     * functions and types in user schemas, schemas other than {@code public}, extensions other
     * than {@code plpgsql}. Empty means a restore cannot clobber anything.
     */
    List<String> userObjects() {
        List<String> out = new ArrayList<>();
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("""
                        SELECT 'relation ' || n.nspname || '.' || c.relname FROM pg_class c
                          JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
                           AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
                        UNION ALL
                        SELECT 'function ' || n.nspname || '.' || p.proname FROM pg_proc p
                          JOIN pg_namespace n ON n.oid = p.pronamespace
                         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
                        UNION ALL
                        SELECT 'schema ' || nspname FROM pg_namespace
                         WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'public')
                           AND nspname NOT LIKE 'pg\\_toast%' AND nspname NOT LIKE 'pg\\_temp%'
                        UNION ALL
                        SELECT 'extension ' || extname FROM pg_extension WHERE extname <> 'plpgsql'
                        LIMIT 20""")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw PgErrors.of(e, config, "inspecting the target database");
        }
        return out;
    }

    /** {@code CREATE DATABASE} from template0 with the recorded encoding and locale. */
    void createDatabase(String name, String encoding, String collation, String ctype) {
        StringBuilder sql = new StringBuilder("CREATE DATABASE ").append(ident(name)).append(" TEMPLATE template0");
        if (encoding != null) {
            sql.append(" ENCODING ").append(literal(encoding));
        }
        if (collation != null) {
            sql.append(" LC_COLLATE ").append(literal(collation));
        }
        if (ctype != null) {
            sql.append(" LC_CTYPE ").append(literal(ctype));
        }
        try (Statement st = conn.createStatement()) {
            st.execute(sql.toString());
        } catch (SQLException e) {
            if ("22023".equals(e.getSQLState())) {
                throw new LifeboatException(ErrorCode.SOURCE_ERROR, "cannot create database " + name + " on "
                        + config.hostPort() + " with encoding " + encoding + " and locale " + collation + ": "
                        + e.getMessage(), "install the locale on the server, or create the database yourself "
                        + "(CREATE DATABASE … TEMPLATE template0) and restore into it", e);
            }
            throw PgErrors.of(e, config, "creating database " + name);
        }
    }

    void commit() {
        try {
            conn.commit();
        } catch (SQLException e) {
            throw PgErrors.of(e, config, "ending the snapshot transaction");
        }
    }

    @Override
    public void close() {
        try {
            conn.close();
        } catch (SQLException e) {
            // Closing a connection whose server went away; nothing is left to release.
        }
    }

    static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
