package io.lifeboat.testkit.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster for integration tests, from the distribution's binaries
 * ({@code /usr/lib/postgresql/<major>/bin}, or {@code LIFEBOAT_PG_BIN}): {@code initdb} into a
 * temporary directory, {@code pg_ctl start} on a free port bound to 127.0.0.1 only, with
 * password authentication (scram-sha-256) for everyone, so tests exercise passwords as users do.
 * Durability is switched off (fsync, full-page writes): the cluster lives for one test class.
 *
 * <p>Debian's {@code initdb} refuses to run as root: when the tests run as root the server runs
 * as the {@code postgres} system user, which then owns the directory. {@link #close()} stops the
 * server and deletes the directory; a JVM shutdown hook does the same if a test forgets.
 * Missing binaries fail with a message that says what to install.
 */
public final class PgCluster implements AutoCloseable {
    public static final String SUPERUSER = "postgres";
    private static final String RUN_AS = "postgres";

    private final Path bin;
    private final Path dir;
    private final int port;
    private final String password;
    private final boolean asPostgresUser;
    private final boolean tls;
    private final Thread shutdownHook;
    private boolean closed;

    private PgCluster(Path bin, Path dir, int port, String password, boolean asPostgresUser, boolean tls) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.password = password;
        this.asPostgresUser = asPostgresUser;
        this.tls = tls;
        this.shutdownHook = new Thread(this::stopQuietly, "pg-cluster-cleanup");
    }

    /** Initialises and starts a cluster; fails with what to install when PostgreSQL is missing. */
    public static PgCluster start() {
        return start(false);
    }

    /**
     * A cluster that accepts TLS connections only ({@code hostssl} in pg_hba.conf, everything else
     * rejected), with a self-signed certificate for 127.0.0.1 made by {@code openssl}; clients
     * verify it with {@link #caCertificate()}.
     */
    public static PgCluster startWithTls() {
        return start(true);
    }

    /**
     * A cluster with extra server settings written to {@code postgresql.conf} before the first
     * start (e.g. {@code archive_mode}, {@code archive_command}); values are quoted for the file.
     */
    public static PgCluster start(java.util.Map<String, String> settings) {
        return start(false, settings);
    }

    private static PgCluster start(boolean tls) {
        return start(tls, java.util.Map.of());
    }

    private static PgCluster start(boolean tls, java.util.Map<String, String> settings) {
        Path bin = serverBinaries();
        boolean root = "root".equals(System.getProperty("user.name"));
        String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        Path dir;
        try {
            dir = Files.createTempDirectory("lifeboat-pgcluster-");
            Path pwfile = dir.resolve("pwfile");
            Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(pwfile, PosixFilePermissions.fromString("rw-------"));
            if (root) {
                giveAway(dir);
                giveAway(pwfile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a PostgreSQL cluster directory", e);
        }
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            PgCluster c = new PgCluster(bin, dir, freePort(), password, root, tls);
            try {
                c.initAndStart(attempt == 0, settings);
                Runtime.getRuntime().addShutdownHook(c.shutdownHook);
                return c;
            } catch (IllegalStateException e) {
                last = e;
                c.stopServer();
                if (!c.log().contains("could not bind") && !c.log().contains("Address already in use")) {
                    break;
                }
            }
        }
        deleteTree(dir);
        throw last;
    }

    private void initAndStart(boolean init, java.util.Map<String, String> settings) {
        if (init) {
            run(List.of(bin.resolve("initdb").toString(), "-D", data().toString(), "-U", SUPERUSER,
                    "--auth=scram-sha-256", "--pwfile=" + dir.resolve("pwfile"), "-E", "UTF8", "--locale=C.UTF-8",
                    "--no-sync", "--no-instructions"), 120);
            StringBuilder conf = new StringBuilder("\n");
            settings.forEach((k, v) -> conf.append(k).append(" = '").append(v.replace("'", "''")).append("'\n"));
            try {
                Files.writeString(data().resolve("postgresql.conf"), conf, StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the cluster's settings", e);
            }
        }
        if (init && tls) {
            enableTls();
        }
        String opts = "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                + (tls ? " -c ssl=on -c ssl_cert_file=" + dir.resolve("server.crt") + " -c ssl_key_file=" + dir.resolve("server.key") : "")
                + " -c full_page_writes=off -c synchronous_commit=off -c shared_buffers=64MB -c max_connections=50"
                + " -c max_wal_size=1GB -c checkpoint_timeout=30min";
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-l", dir.resolve("log").toString(),
                "-w", "-t", "60", "-s", "-o", opts, "start"), 90);
    }

    /** The server certificate (self-signed, so also its CA) of a {@link #startWithTls()} cluster. */
    public Path caCertificate() {
        return dir.resolve("server.crt");
    }

    private void enableTls() {
        run(List.of("openssl", "req", "-new", "-x509", "-days", "2", "-nodes", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", dir.resolve("server.key").toString(),
                "-out", dir.resolve("server.crt").toString()), 60);
        try {
            Files.writeString(data().resolve("pg_hba.conf"), "local all all scram-sha-256\n"
                    + "hostssl all all 127.0.0.1/32 scram-sha-256\nhost all all 0.0.0.0/0 reject\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(dir.resolve("server.key"), PosixFilePermissions.fromString("rw-------"));
            Files.setPosixFilePermissions(dir.resolve("server.crt"), PosixFilePermissions.fromString("rw-r--r--"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up TLS for the test cluster", e);
        }
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    /** The superuser's password. */
    public String password() {
        return password;
    }

    /** The server binaries' directory (initdb, pg_ctl, and the client programs beside them). */
    public Path bin() {
        return bin;
    }

    /** The temporary directory holding the data directory, the socket and the log. */
    public Path directory() {
        return dir;
    }

    public int majorVersion() {
        return Integer.parseInt(bin.getParent().getFileName().toString());
    }

    /** {@code postgresql://user@127.0.0.1:port/db} (without password). */
    public String url(String user, String database) {
        return "postgresql://" + user + "@" + host() + ":" + port + "/" + database;
    }

    public String url(String database) {
        return url(SUPERUSER, database);
    }

    /** A superuser connection to {@code database}. */
    public Connection connect(String database) {
        return connect(database, SUPERUSER, password);
    }

    public Connection connect(String database, String user, String userPassword) {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", userPassword);
        try {
            return DriverManager.getConnection("jdbc:postgresql://" + host() + ":" + port + "/" + database, p);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to test cluster database " + database + ": " + e.getMessage(), e);
        }
    }

    /** Runs statements as the superuser in {@code database}, each in its own transaction. */
    public void execute(String database, String... sql) {
        try (Connection c = connect(database); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("test cluster SQL failed: " + e.getMessage(), e);
        }
    }

    public void createDatabase(String name) {
        execute("postgres", "CREATE DATABASE \"" + name + "\"");
    }

    /** The server log so far, for failure messages. */
    public String log() {
        try {
            Path log = dir.resolve("log");
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read the server log: " + e.getMessage() + ")";
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: the hook runs anyway.
        }
        stopQuietly();
    }

    private synchronized void stopQuietly() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stopServer();
        } finally {
            deleteTree(dir);
        }
    }

    private void stopServer() {
        try {
            if (Files.exists(data().resolve("postmaster.pid"))) {
                run(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "immediate", "-w", "-t",
                        "60", "-s", "stop"), 90);
            }
        } catch (RuntimeException e) {
            System.err.println("warning: stopping the test cluster in " + dir + " failed: " + e.getMessage());
        }
    }

    private Path data() {
        return dir.resolve("data");
    }

    private void run(List<String> command, int timeoutSeconds) {
        List<String> cmd = new ArrayList<>();
        if (asPostgresUser) {
            cmd.addAll(List.of("runuser", "-u", RUN_AS, "--"));
        }
        cmd.addAll(command);
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " timed out\n" + log());
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): "
                        + new String(out, StandardCharsets.UTF_8) + "\n" + log());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + cmd + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + cmd, e);
        }
    }

    /** {@code LIFEBOAT_PG_BIN}, else the newest {@code /usr/lib/postgresql/<major>/bin} with initdb. */
    static Path serverBinaries() {
        String configured = System.getenv("LIFEBOAT_PG_BIN");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> s = Files.list(root)) {
                var found = s.filter(d -> d.getFileName().toString().matches("\\d+"))
                        .filter(d -> Files.isExecutable(d.resolve("bin/initdb")) && Files.isExecutable(d.resolve("bin/pg_dump")))
                        .max(Comparator.comparingInt(d -> Integer.parseInt(d.getFileName().toString())));
                if (found.isPresent()) {
                    return found.get().resolve("bin");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("PostgreSQL server binaries (initdb, pg_ctl, pg_dump) not found under "
                + root + "; install them with 'scripts/install-deps' (apt-get install postgresql postgresql-contrib) "
                + "or point LIFEBOAT_PG_BIN at a bin directory");
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    private static void giveAway(Path p) throws IOException {
        UserPrincipalLookupService users = p.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
        view.setOwner(users.lookupPrincipalByName(RUN_AS));
        GroupPrincipal group = users.lookupPrincipalByGroupName(RUN_AS);
        view.setGroup(group);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("warning: cannot delete test cluster directory " + dir + ": " + e.getMessage());
        }
    }
}
