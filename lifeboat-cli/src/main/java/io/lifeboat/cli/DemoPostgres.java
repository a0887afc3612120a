package io.lifeboat.cli;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The demo's throwaway PostgreSQL cluster: {@code initdb} and {@code pg_ctl} from the
 * distribution's binaries in a temporary directory, on a free port of 127.0.0.1, password
 * authentication, run as the {@code postgres} system user when the demo runs as root (Debian's
 * initdb refuses root). Holds sample RAG data; stopped and deleted on close.
 */
final class DemoPostgres implements AutoCloseable {
    static final String USER = "postgres";
    /** Tables of the sample data and the columns that order their rows. */
    private static final Map<String, String> TABLES = Map.of("rag.documents", "id", "rag.chunks", "id");

    private final Path bin;
    private final Path dir;
    private final int port;
    private final String password;
    private final boolean asPostgres;

    private DemoPostgres(Path bin, Path dir, int port, String password, boolean asPostgres) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.password = password;
        this.asPostgres = asPostgres;
    }

    /** Starts a cluster, or returns empty when PostgreSQL is not installed. */
    static Optional<DemoPostgres> start() throws IOException {
        Optional<Path> bin = serverBinaries();
        if (bin.isEmpty()) {
            return Optional.empty();
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("lifeboat-demo-pg-");
        String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        Path pwfile = dir.resolve("pwfile");
        Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(pwfile, PosixFilePermissions.fromString("rw-------"));
        if (root) {
            giveToPostgres(dir);
            giveToPostgres(pwfile);
        }
        DemoPostgres pg = new DemoPostgres(bin.get(), dir, freePort(), password, root);
        try {
            pg.run(List.of(pg.bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", USER,
                    "--auth=scram-sha-256", "--pwfile=" + pwfile, "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
                    "--no-instructions"));
            Files.deleteIfExists(pwfile);
            pg.run(List.of(pg.bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
                    dir.resolve("log").toString(), "-w", "-t", "60", "-s", "-o", "-p " + pg.port + " -k " + dir
                            + " -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off", "start"));
            return Optional.of(pg);
        } catch (RuntimeException | IOException e) {
            pg.close();
            throw e;
        }
    }

    String password() {
        return password;
    }

    String url(String database) {
        return "postgresql://" + USER + "@127.0.0.1:" + port + "/" + database;
    }

    /** A RAG-like sample: documents with jsonb metadata, chunks with 384-dimensional embeddings. */
    void createSampleData(String database) {
        execute("postgres", "CREATE DATABASE " + database);
        execute(database, "CREATE SCHEMA rag", """
                CREATE TABLE rag.documents (id bigserial PRIMARY KEY, title text NOT NULL, metadata jsonb NOT NULL,
                                            created_at timestamptz NOT NULL DEFAULT '2026-01-01')""", """
                CREATE TABLE rag.chunks (id bigserial PRIMARY KEY,
                                         document_id bigint NOT NULL REFERENCES rag.documents ON DELETE CASCADE,
                                         content text NOT NULL, embedding float4[] NOT NULL)""",
                "CREATE INDEX ON rag.chunks (document_id)", "SELECT setseed(0.5)", """
                INSERT INTO rag.documents (title, metadata)
                SELECT 'Handbook chapter ' || g, jsonb_build_object('lang', 'en', 'pages', 1 + g % 30)
                  FROM generate_series(1, 200) g""", """
                INSERT INTO rag.chunks (document_id, content, embedding)
                SELECT d, 'Section ' || s || ' of chapter ' || d || ': ' || repeat(md5((d * 10 + s)::text), 6),
                       ARRAY(SELECT (random() * 2 - 1)::float4 FROM generate_series(1, 384) WHERE d > 0)
                  FROM generate_series(1, 200) d, generate_series(1, 5) s ORDER BY d, s""");
    }

    /** Per-table row count and md5 of the rows in key order. */
    Map<String, String> checksums(String database) {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = connect(database); Statement st = c.createStatement()) {
            for (var t : new java.util.TreeMap<>(TABLES).entrySet()) {
                try (ResultSet rs = st.executeQuery("SELECT count(*), md5(string_agg(x::text, '|' ORDER BY "
                        + t.getValue() + ")) FROM " + t.getKey() + " x")) {
                    rs.next();
                    out.put(t.getKey(), rs.getLong(1) + " rows, md5 " + rs.getString(2));
                }
            }
        } catch (SQLException e) {
            throw new LifeboatException(ErrorCode.SOURCE_ERROR, "demo: reading " + database + ": " + e.getMessage(), null, e);
        }
        return out;
    }

    private void execute(String database, String... sql) {
        try (Connection c = connect(database); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new LifeboatException(ErrorCode.SOURCE_ERROR, "demo: SQL on " + database + " failed: " + e.getMessage(), null, e);
        }
    }

    private Connection connect(String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("password", password);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, p);
    }

    @Override
    public void close() {
        try {
            if (Files.exists(dir.resolve("data/postmaster.pid"))) {
                run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate",
                        "-w", "-s", "stop"));
            }
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                System.err.println("warning: cannot delete the demo cluster in " + dir + ": " + e.getMessage());
            }
        }
    }

    private void run(List<String> command) {
        List<String> cmd = new ArrayList<>();
        if (asPostgres) {
            cmd.addAll(List.of("runuser", "-u", USER, "--"));
        }
        cmd.addAll(command);
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new LifeboatException(ErrorCode.SOURCE_ERROR, "demo: " + command.get(0) + " failed: "
                        + new String(out, StandardCharsets.UTF_8).strip(), "see " + dir.resolve("log"));
            }
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.SOURCE_ERROR, "demo: cannot run " + command.get(0) + ": " + e.getMessage(), null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifeboatException(ErrorCode.INTERRUPTED, "demo: interrupted", null, e);
        }
    }

    private static Optional<Path> serverBinaries() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(d -> d.getFileName().toString().matches("\\d+"))
                    .filter(d -> Files.isExecutable(d.resolve("bin/initdb")) && Files.isExecutable(d.resolve("bin/pg_dump")))
                    .max(Comparator.comparingInt(d -> Integer.parseInt(d.getFileName().toString())))
                    .map(d -> d.resolve("bin"));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static void giveToPostgres(Path p) throws IOException {
        UserPrincipalLookupService users = p.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
        view.setOwner(users.lookupPrincipalByName(USER));
        view.setGroup(users.lookupPrincipalByGroupName(USER));
    }
}
