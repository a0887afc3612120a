package io.lifeboat.cli;

import static io.lifeboat.cli.PostgresOsSupport.asPostgres;
import static io.lifeboat.cli.PostgresOsSupport.awaitPromotion;
import static io.lifeboat.cli.PostgresOsSupport.chown;
import static io.lifeboat.cli.PostgresOsSupport.deleteTree;
import static io.lifeboat.cli.PostgresOsSupport.freePort;
import static io.lifeboat.cli.PostgresOsSupport.jar;
import static io.lifeboat.cli.PostgresOsSupport.finish;
import static io.lifeboat.cli.PostgresOsSupport.runAs;
import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.storage.Storage;
import io.lifeboat.repository.ClientContext;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.wal.WalArchive;
import io.lifeboat.source.postgres.physical.Lsn;
import io.lifeboat.testkit.postgres.PgCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the WAL integration tests share: a work directory with a repository and its password
 * file, a real cluster with a {@code marks} table of numbered rows (each with the WAL position
 * right after its commit) and a {@code filler} table, the CLI run as the server's OS user, WAL
 * and slot queries, and the repository's segments compared with the server's files or restored
 * to a position and read back. Not thread-safe: one test class drives it.
 */
final class WalTestCluster implements AutoCloseable {
    static final long SEGMENT = 16L * 1024 * 1024;

    private final String label;
    private final String password;
    private final Path work;
    private final Path repo;
    private final Path passwordFile;
    private final Map<Integer, String> lsnAfterRow = new HashMap<>();
    private PgCluster pg;
    private int rows;

    private WalTestCluster(String label, String password, Path work) {
        this.label = label;
        this.password = password;
        this.work = work;
        this.repo = work.resolve("repo");
        this.passwordFile = work.resolve("password");
    }

    /**
     * A work directory the server's OS user owns, with the repository's password file; the
     * repository is not initialised and no server runs yet. {@code label} prefixes printed timings.
     */
    static WalTestCluster create(String label, String prefix, String password) throws IOException {
        Path work = Files.createTempDirectory(prefix);
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        WalTestCluster cluster = new WalTestCluster(label, password, work);
        Files.writeString(cluster.passwordFile, password + "\n");
        Files.setPosixFilePermissions(cluster.passwordFile, PosixFilePermissions.fromString("rw-------"));
        chown(work);
        chown(cluster.passwordFile);
        return cluster;
    }

    /** Starts the cluster with {@code settings} and creates the marks and filler tables. */
    void startServer(Map<String, String> settings) throws Exception {
        pg = PgCluster.start(settings);
        pg.execute("postgres", "CREATE TABLE marks (id int PRIMARY KEY, note text)", "CREATE TABLE filler (id int, v text)");
    }

    PgCluster pg() {
        return pg;
    }

    Path work() {
        return work;
    }

    Path repo() {
        return repo;
    }

    Path passwordFile() {
        return passwordFile;
    }

    /** The server's data directory. */
    Path data() {
        return pg.directory().resolve("data");
    }

    @Override
    public void close() {
        if (pg != null) {
            pg.close();
        }
        deleteTree(work);
    }

    // ---- rows and their WAL positions

    /** Inserts the next {@code n} numbered rows into marks, one transaction each, noting each one's LSN. */
    void insertRows(int n) throws SQLException {
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
            for (int i = 0; i < n; i++) {
                rows++;
                st.execute("INSERT INTO marks VALUES (" + rows + ", 'row " + rows + "')");
                try (ResultSet rs = st.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
                    rs.next();
                    lsnAfterRow.put(rows, rs.getString(1));
                }
            }
        }
    }

    /** How many rows {@link #insertRows} inserted so far. */
    int rows() {
        return rows;
    }

    /** The WAL insert position right after row {@code id} was committed. */
    String lsnAfterRow(int id) {
        return lsnAfterRow.get(id);
    }

    /** The ids 1 to {@code upTo}: the marks rows a recovery to {@code lsnAfterRow(upTo)} must hold. */
    static List<Integer> range(int upTo) {
        List<Integer> out = new ArrayList<>();
        for (int i = 1; i <= upTo; i++) {
            out.add(i);
        }
        return out;
    }

    // ---- WAL and slot queries

    /** The first column of the first row of {@code sql} on the postgres database. */
    String query(String sql) throws SQLException {
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The segment name of an LSN expression such as {@code pg_switch_wal()}. */
    String walFile(String lsnExpression) throws SQLException {
        return query("SELECT pg_walfile_name(" + lsnExpression + ")");
    }

    String systemId() throws SQLException {
        return query("SELECT system_identifier::text FROM pg_control_system()");
    }

    /** The restart_lsn of the slot 'lifeboat', or null while it has none. */
    String slotRestartLsn() throws SQLException {
        return query("SELECT restart_lsn::text FROM pg_replication_slots WHERE slot_name = 'lifeboat'");
    }

    /**
     * Waits up to 90 s until the slot was told that the segment {@code name} is flushed: its
     * restart_lsn moves to segment ends (pg_walfile_name names the segment that ends there) or,
     * after a .streaming store, into the segment being received, which comes after {@code name}.
     */
    void awaitSlotPast(String name, BackgroundCli receiving) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            String restart = slotRestartLsn();
            if (restart != null && query("SELECT pg_walfile_name('" + restart + "')").compareTo(name) >= 0) {
                return;
            }
            assertThat(System.nanoTime()).as("slot acknowledges " + name + " (receiver: " + receiving.output() + ")")
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    // ---- the repository against the server

    /** The names of the objects under wal/ in the repository. */
    List<String> storedNames() throws IOException {
        try (Stream<Path> s = Files.walk(repo.resolve("wal"))) {
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList();
        }
    }

    /** The lowest WAL segment name stored in the repository. */
    String oldestStoredSegment() throws IOException {
        return storedNames().stream().filter(n -> n.matches("[0-9A-F]{24}")).min(String::compareTo).orElseThrow();
    }

    /** The segment names from {@code first} to {@code last}, both included. */
    static List<String> segmentsFrom(String first, String last) {
        List<String> out = new ArrayList<>();
        for (String s = first; s.compareTo(last) <= 0; s = Lsn.nextSegment(s, SEGMENT)) {
            out.add(s);
        }
        return out;
    }

    /** How a test reads a stored segment: null when the repository does not hold it. */
    @FunctionalInterface
    interface SegmentReader {
        byte[] read(String segment) throws Exception;
    }

    /** {@link #compareWithServer(String, String, SegmentReader)} reading the repository in this JVM. */
    List<String> compareWithServer(String first, String last) throws Exception {
        try (Repository r = openRepository()) {
            WalArchive wal = new WalArchive(r.storage(), r.codec());
            String sysid = systemId();
            return compareWithServer(first, last, s -> wal.fetch(sysid, s).orElse(null));
        }
    }

    /**
     * Asserts that every segment from first to last is stored, equal to the server's pg_wal file
     * where that is still there; returns the segments so compared.
     */
    List<String> compareWithServer(String first, String last, SegmentReader reader) throws Exception {
        List<String> compared = new ArrayList<>();
        for (String s : segmentsFrom(first, last)) {
            byte[] stored = reader.read(s);
            assertThat(stored).as("segment %s in the repository", s).isNotNull();
            Path onServer = data().resolve("pg_wal").resolve(s);
            if (Files.exists(onServer)) {
                assertThat(stored).as("segment %s equals the server's", s).isEqualTo(Files.readAllBytes(onServer));
                compared.add(s);
            }
        }
        return compared;
    }

    /** The stored file (segment or history), read in this JVM, or null when it is not stored. */
    byte[] fetch(String name) throws Exception {
        try (Repository r = openRepository()) {
            return new WalArchive(r.storage(), r.codec()).fetch(systemId(), name).orElse(null);
        }
    }

    /** The stored file as 'wal fetch' (restore_command) serves it, or null when it exits 13. */
    byte[] fetchWithCli(String name) throws Exception {
        Path dir = work.resolve("fetched");
        if (!Files.exists(dir)) {
            Files.createDirectories(dir.resolve("pg_wal"));
            chown(dir);
            chown(dir.resolve("pg_wal"));
        }
        Path dest = dir.resolve("pg_wal").resolve(name);
        Files.deleteIfExists(dest);
        CliResult r = lifeboat("wal", "fetch", name, dest.toString(), "--system-id", systemId());
        if (r.exitCode() == 13) {
            return null;
        }
        r.assertSuccess();
        return Files.readAllBytes(dest);
    }

    /** The repository, opened in this JVM (reading only): one key derivation for many comparisons. */
    Repository openRepository() {
        Storage storage = Main.defaultStorages(Map.of()).open(repo.toString());
        return Repository.open(storage, password.toCharArray(), ClientContext.system());
    }

    /**
     * Restores the newest base backup with the stored WAL to {@code lsn} into restored-{@code name},
     * starts it, waits for its promotion and returns the marks ids; the restored server is stopped
     * again but its directory kept.
     */
    List<Integer> restoredRows(String name, String lsn) throws Exception {
        Path data = work.resolve("restored-" + name);
        int port = freePort();
        try {
            CliResult restore = lifeboat("restore", "postgres", "--data-dir", data.toString(), "--no-archive", "--start",
                    "--port", Integer.toString(port), "--start-timeout", "5m", "--target-lsn", lsn, "--json")
                    .assertSuccess();
            System.out.printf("%s: %s restore and recovery %.1fs%n", label, name, restore.seconds());
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                    PgCluster.SUPERUSER, pg.password()); Statement st = c.createStatement()) {
                awaitPromotion(st, name, Duration.ofSeconds(120));
                List<Integer> ids = new ArrayList<>();
                try (ResultSet rs = st.executeQuery("SELECT id FROM marks ORDER BY id")) {
                    while (rs.next()) {
                        ids.add(rs.getInt(1));
                    }
                }
                return ids;
            }
        } finally {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                asPostgres(List.of(pg.bin().resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w",
                        "-s", "stop"));
            }
        }
    }

    // ---- commands as the server's OS user

    /** Runs the CLI against the repository as the server's OS user, with the server's password. */
    CliResult lifeboat(String... args) throws IOException, InterruptedException {
        return lifeboatWithPassword(pg == null ? "" : pg.password(), args);
    }

    /** Runs the CLI against the repository as the server's OS user, with {@code pgPassword} as PGPASSWORD. */
    CliResult lifeboatWithPassword(String pgPassword, String... args) throws IOException, InterruptedException {
        Instant start = Instant.now();
        return finish(runAs(command(List.of(args)), environment(pgPassword)), List.of(args), start,
                Duration.ofMinutes(4));
    }

    /** The java command line of {@code lifeboat args} against this repository. */
    List<String> command(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar().toString()));
        cmd.addAll(args);
        cmd.addAll(List.of("--repo", repo.toString(), "--password-file", passwordFile.toString()));
        return cmd;
    }

    /** The CLI's environment, with the server's password once it runs. */
    Map<String, String> environment() {
        return environment(pg == null ? "" : pg.password());
    }

    private static Map<String, String> environment(String pgPassword) {
        return Map.of("PGPASSWORD", pgPassword, "LIFEBOAT_PROGRESS", "0", "LC_ALL", "C.UTF-8");
    }
}
