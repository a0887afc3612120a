package io.lifeboat.source.postgres;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where a PostgreSQL server is and how to talk to it, without the password (see {@link PgPassword}).
 * Built from a libpq URL ({@code postgresql://user@host:port/db?sslmode=require}) or a
 * keyword/value string ({@code host=… port=… dbname=…}), explicit options and the libpq
 * environment ({@code PGHOST}, {@code PGPORT}, {@code PGUSER}, {@code PGDATABASE}, {@code PGSSLMODE}…),
 * in that order of precedence, as libpq does.
 *
 * @param options the libpq connection parameters of {@link #OPTIONS} that were given (TLS, timeouts)
 */
public record PgConnectionConfig(String host, int port, String user, String database, Map<String, String> options) {
    /** Connection parameters passed through to libpq (children) and, where it has them, to pgjdbc. */
    static final Map<String, String> OPTIONS = Map.of(
            "sslmode", "PGSSLMODE", "sslrootcert", "PGSSLROOTCERT", "sslcert", "PGSSLCERT", "sslkey", "PGSSLKEY",
            "sslcrl", "PGSSLCRL", "connect_timeout", "PGCONNECT_TIMEOUT", "application_name", "PGAPPNAME",
            "gssencmode", "PGGSSENCMODE");
    private static final Map<String, String> JDBC_NAMES = Map.of(
            "sslmode", "sslmode", "sslrootcert", "sslrootcert", "sslcert", "sslcert", "sslkey", "sslkey",
            "connect_timeout", "connectTimeout", "application_name", "ApplicationName", "gssencmode", "gssEncMode");
    private static final String PASSWORD_HINT = "never put the password on the command line: set PGPASSWORD, "
            + "add it to ~/.pgpass, or pass --pg-password-file FILE";

    public PgConnectionConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(database, "database");
        if (host.isEmpty() || host.startsWith("/")) {
            throw usage("PostgreSQL host '" + host + "': Unix-domain sockets are not supported",
                    "connect over TCP, e.g. --host 127.0.0.1");
        }
        if (port <= 0 || port > 65535) {
            throw usage("PostgreSQL port " + port + " is out of range", "pass a port between 1 and 65535");
        }
        options = Map.copyOf(new TreeMap<>(options));
        for (String k : options.keySet()) {
            if (!OPTIONS.containsKey(k)) {
                throw usage("unsupported PostgreSQL connection parameter '" + k + "'",
                        "supported: host, port, user, dbname and " + String.join(", ", new TreeMap<>(OPTIONS).keySet()));
            }
        }
    }

    /**
     * Explicitly given parts; {@code null} means "not given".
     *
     * @param url a {@code postgresql://} URL or a keyword/value connection string
     */
    public record Given(String url, String host, Integer port, String user, String database, Map<String, String> options) {
        public Given {
            options = options == null ? Map.of() : Map.copyOf(options);
        }

        public static Given url(String url) {
            return new Given(url, null, null, null, null, Map.of());
        }

        /** The database named explicitly (option or URL), if any. */
        public java.util.Optional<String> namedDatabase() {
            if (database != null && !database.isEmpty()) {
                return java.util.Optional.of(database);
            }
            return url == null || url.isBlank() ? java.util.Optional.empty()
                    : java.util.Optional.ofNullable(parse(url).get("dbname"));
        }

        /** Whether anything at all was given (otherwise a restore goes to the recorded server). */
        public boolean any() {
            return (url != null && !url.isBlank()) || host != null || port != null || user != null || database != null
                    || !options.isEmpty();
        }
    }

    /**
     * Resolves the connection from the explicit parts, then the URL, then the libpq environment,
     * then libpq's defaults (localhost, 5432, the OS user, a database named like the user).
     */
    public static PgConnectionConfig resolve(Given given, Map<String, String> env) {
        Map<String, String> fromUrl = given.url() == null || given.url().isBlank() ? Map.of() : parse(given.url());
        String host = first(given.host(), fromUrl.get("host"), env.get("PGHOST"), "localhost");
        String portText = first(given.port() == null ? null : given.port().toString(), fromUrl.get("port"),
                env.get("PGPORT"), "5432");
        String user = first(given.user(), fromUrl.get("user"), env.get("PGUSER"), env.get("USER"), "postgres");
        String database = first(given.database(), fromUrl.get("dbname"), env.get("PGDATABASE"), user);
        Map<String, String> options = new LinkedHashMap<>();
        OPTIONS.forEach((k, envName) -> {
            String v = first(given.options().get(k), fromUrl.get(k), env.get(envName), null);
            if (v != null && !v.isEmpty()) {
                options.put(k, v);
            }
        });
        given.options().keySet().stream().filter(k -> !OPTIONS.containsKey(k)).findFirst()
                .ifPresent(k -> options.put(k, given.options().get(k)));
        int port;
        try {
            port = Integer.parseInt(portText.trim());
        } catch (NumberFormatException e) {
            throw usage("PostgreSQL port '" + portText + "' is not a number", "pass e.g. --port 5432");
        }
        return new PgConnectionConfig(host, port, user, database, options);
    }

    /** The parts of a URL or keyword/value string, keyed by libpq parameter name. */
    static Map<String, String> parse(String spec) {
        String s = spec.trim();
        Map<String, String> out = s.startsWith("postgresql://") || s.startsWith("postgres://") ? parseUrl(s) : parseKeywords(s);
        if (out.containsKey("password")) {
            throw usage("the PostgreSQL connection string contains a password", PASSWORD_HINT);
        }
        for (String k : out.keySet()) {
            if (!k.equals("host") && !k.equals("port") && !k.equals("user") && !k.equals("dbname") && !OPTIONS.containsKey(k)) {
                throw usage("unsupported PostgreSQL connection parameter '" + k + "'",
                        "supported: host, port, user, dbname and " + String.join(", ", new TreeMap<>(OPTIONS).keySet()));
            }
        }
        return out;
    }

    private static Map<String, String> parseUrl(String url) {
        Map<String, String> out = new LinkedHashMap<>();
        String rest = url.substring(url.indexOf("://") + 3);
        int q = rest.indexOf('?');
        String query = q >= 0 ? rest.substring(q + 1) : "";
        rest = q >= 0 ? rest.substring(0, q) : rest;
        int slash = rest.indexOf('/');
        String netloc = slash >= 0 ? rest.substring(0, slash) : rest;
        if (slash >= 0 && slash + 1 < rest.length()) {
            out.put("dbname", decode(rest.substring(slash + 1)));
        }
        int at = netloc.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = netloc.substring(0, at);
            if (userInfo.contains(":")) {
                throw usage("the PostgreSQL URL contains a password", PASSWORD_HINT);
            }
            if (!userInfo.isEmpty()) {
                out.put("user", decode(userInfo));
            }
            netloc = netloc.substring(at + 1);
        }
        if (netloc.contains(",")) {
            throw usage("several PostgreSQL hosts in one URL are not supported", "name one server");
        }
        String host = netloc;
        String port = null;
        if (netloc.startsWith("[")) {
            int close = netloc.indexOf(']');
            if (close < 0) {
                throw usage("malformed PostgreSQL URL: unclosed '[' in the host", "write IPv6 hosts as [::1]");
            }
            host = netloc.substring(1, close);
            if (close + 1 < netloc.length() && netloc.charAt(close + 1) == ':') {
                port = netloc.substring(close + 2);
            }
        } else if (netloc.lastIndexOf(':') >= 0) {
            host = netloc.substring(0, netloc.lastIndexOf(':'));
            port = netloc.substring(netloc.lastIndexOf(':') + 1);
        }
        if (!host.isEmpty()) {
            out.put("host", decode(host));
        }
        if (port != null && !port.isEmpty()) {
            out.put("port", port);
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = decode(eq >= 0 ? pair.substring(0, eq) : pair);
            out.put(k, eq >= 0 ? decode(pair.substring(eq + 1)) : "");
        }
        return out;
    }

    private static Map<String, String> parseKeywords(String s) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        while (i < s.length()) {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i >= s.length()) {
                break;
            }
            int eq = s.indexOf('=', i);
            if (eq < 0) {
                throw usage("malformed PostgreSQL connection string: expected keyword=value",
                        "use postgresql://user@host:port/db or host=… port=… dbname=… user=…");
            }
            String key = s.substring(i, eq).trim();
            i = eq + 1;
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            StringBuilder v = new StringBuilder();
            if (i < s.length() && s.charAt(i) == '\'') {
                i++;
                while (i < s.length() && s.charAt(i) != '\'') {
                    if (s.charAt(i) == '\\' && i + 1 < s.length()) {
                        i++;
                    }
                    v.append(s.charAt(i++));
                }
                i++;
            } else {
                while (i < s.length() && !Character.isWhitespace(s.charAt(i))) {
                    if (s.charAt(i) == '\\' && i + 1 < s.length()) {
                        i++;
                    }
                    v.append(s.charAt(i++));
                }
            }
            out.put(key, v.toString());
        }
        return out;
    }

    /** The same server and user, another database. */
    public PgConnectionConfig withDatabase(String otherDatabase) {
        return new PgConnectionConfig(host, port, user, otherDatabase, options);
    }

    /** {@code host:port/database}: what makes two backups part of the same series. */
    public String identity() {
        return hostPort() + "/" + database;
    }

    /** {@code postgresql://user@host:port/database} (never a password), for listings and messages. */
    public String display() {
        return "postgresql://" + user + "@" + hostPort() + "/" + database
                + (options.containsKey("sslmode") ? "?sslmode=" + options.get("sslmode") : "");
    }

    String hostPort() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://" + hostPort() + "/" + java.net.URLEncoder.encode(database, StandardCharsets.UTF_8)
                .replace("+", "%20");
    }

    /** pgjdbc properties: user, password when given, and the options pgjdbc knows. */
    Properties jdbcProperties(PgPassword password) {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password.reveal());
        }
        p.setProperty("ApplicationName", "lifeboat");
        p.setProperty("connectTimeout", "15");
        p.setProperty("loginTimeout", "30");
        p.setProperty("tcpKeepAlive", "true");
        options.forEach((k, v) -> {
            if (JDBC_NAMES.containsKey(k)) {
                p.setProperty(JDBC_NAMES.get(k), v);
            }
        });
        return p;
    }

    /** libpq environment for a child (pg_dump, pg_restore), without the password. */
    Map<String, String> libpqEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PGHOST", host);
        env.put("PGPORT", Integer.toString(port));
        env.put("PGUSER", user);
        env.put("PGDATABASE", database);
        options.forEach((k, v) -> env.put(OPTIONS.get(k), v));
        return env;
    }

    /** {@code dbname='…'} as a libpq keyword/value string, quoted so any database name is safe on argv. */
    static String dbnameConninfo(String database) {
        return "dbname='" + database.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return null;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    static LifeboatException usage(String message, String hint) {
        return new LifeboatException(ErrorCode.USAGE, message, hint);
    }
}
