package io.lifeboat.cli;

import io.lifeboat.source.postgres.ClientTools;
import io.lifeboat.source.postgres.PasswordLookup;
import io.lifeboat.source.postgres.PgConnectionConfig;
import io.lifeboat.source.postgres.PgPassword;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How to reach a PostgreSQL server: a libpq URL or keyword/value string, or its parts, with the
 * libpq environment ({@code PGHOST}…) as defaults. The password never comes from here: it comes
 * from {@code --pg-password-file}, {@code PGPASSWORD} or {@code ~/.pgpass}.
 */
final class PgConnectionOptions {
    @Option(names = "--url", paramLabel = "URL", description = "postgresql://user@host:port/db?sslmode=… or 'host=… port=… dbname=… user=…' (no password here). Default: $PGHOST, $PGPORT, $PGUSER, $PGDATABASE.")
    String url;

    @Option(names = "--host", paramLabel = "HOST", description = "Server host (overrides the URL).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", description = "Server port (overrides the URL).")
    Integer port;

    @Option(names = "--username", paramLabel = "USER", description = "Database user (overrides the URL).")
    String user;

    @Option(names = "--dbname", paramLabel = "DB", description = "Database (overrides the URL).")
    String dbname;

    @Option(names = "--sslmode", paramLabel = "MODE", description = "libpq sslmode: disable, prefer, require, verify-ca, verify-full.")
    String sslmode;

    @Option(names = "--sslrootcert", paramLabel = "FILE", description = "CA certificate for verify-ca/verify-full.")
    String sslrootcert;

    @Option(names = "--sslcert", paramLabel = "FILE", description = "Client certificate.")
    String sslcert;

    @Option(names = "--sslkey", paramLabel = "FILE", description = "Client key.")
    String sslkey;

    @Option(names = "--pg-password-file", paramLabel = "FILE", description = "Read the database password from FILE (first line). Default: $PGPASSWORD, else ~/.pgpass ($PGPASSFILE).")
    Path passwordFile;

    @Option(names = "--pg-bin", paramLabel = "DIR", description = "Directory of pg_dump/pg_restore. Default: $LIFEBOAT_PG_BIN, else /usr/lib/postgresql/<server major>/bin.")
    Path pgBin;

    PgConnectionConfig.Given given() {
        Map<String, String> options = new LinkedHashMap<>();
        put(options, "sslmode", sslmode);
        put(options, "sslrootcert", sslrootcert);
        put(options, "sslcert", sslcert);
        put(options, "sslkey", sslkey);
        return new PgConnectionConfig.Given(url, host, port, user, dbname, options);
    }

    PgPassword password(PgConnectionConfig connection, Map<String, String> env) {
        return PasswordLookup.find(passwordFile, connection, env).orElse(null);
    }

    ClientTools.Config tools(Map<String, String> env) {
        String fromEnv = env.get("LIFEBOAT_PG_BIN");
        Path bin = pgBin != null ? pgBin : fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv) : null;
        return new ClientTools.Config(bin, ClientTools.DEBIAN_ROOT);
    }

    private static void put(Map<String, String> m, String k, String v) {
        if (v != null) {
            m.put(k, v);
        }
    }

    /**
     * The source configuration these options name; {@code serverWide} backups connect to the named
     * database or, without one, to {@code postgres}.
     */
    io.lifeboat.source.postgres.PostgresSourceConfig sourceConfig(Map<String, String> env, boolean serverWide) {
        PgConnectionConfig.Given given = given();
        PgConnectionConfig connection = PgConnectionConfig.resolve(given, env);
        if (serverWide) {
            connection = connection.withDatabase(given.namedDatabase().orElse("postgres"));
        }
        return new io.lifeboat.source.postgres.PostgresSourceConfig(connection, password(connection, env), tools(env));
    }
}
