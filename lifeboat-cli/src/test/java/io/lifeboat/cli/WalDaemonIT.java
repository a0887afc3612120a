package io.lifeboat.cli;

import static io.lifeboat.cli.PostgresOsSupport.RUN_AS;
import static io.lifeboat.cli.PostgresOsSupport.awaitPromotion;
import static io.lifeboat.cli.PostgresOsSupport.chown;
import static io.lifeboat.cli.PostgresOsSupport.deleteTree;
import static io.lifeboat.cli.PostgresOsSupport.freePort;
import static io.lifeboat.cli.PostgresOsSupport.jar;
import static io.lifeboat.cli.PostgresOsSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.core.storage.Storage;
import io.lifeboat.repository.ClientContext;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.wal.WalArchive;
import io.lifeboat.testkit.postgres.PgCluster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code lifeboat serve} with a real cluster whose {@code archive_command} is the
 * {@code lifeboat-wal-push} client next to the jar, all run as the server's OS user as on a
 * database host. Segments archived through the daemon feed a point-in-time recovery; the daemon
 * is killed with SIGKILL while a segment is being handed over, and every segment PostgreSQL
 * counts as archived is then in the repository, identical to the server's file (the client fell
 * back to a direct push); a WAL receiver inside a new daemon survives a server restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WalDaemonIT {
    private static final String PASSWORD = "daemon test password";
    private static final long SEGMENT = 16L * 1024 * 1024;
    /** What lifeboat-wal-push logs when the daemon goes away during a transfer. */
    private static final String MID_TRANSFER = "connection to the daemon failed during the transfer";

    private Path work;
    private Path repo;
    private Path passwordFile;
    private Path socket;
    private PgCluster pg;
    private Daemon daemon;
    private int rows;
    private int kills;
    private final Map<Integer, String> lsnAfterRow = new HashMap<>();

    @BeforeAll
    void setUp() throws Exception {
        work = Files.createTempDirectory("lifeboat-daemon-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        repo = work.resolve("repo");
        socket = work.resolve("wal.sock");
        passwordFile = work.resolve("password");
        Files.writeString(passwordFile, PASSWORD + "\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        chown(work);
        chown(passwordFile);
        lifeboat("init").assertSuccess();
        Path client = jar().getParent().resolve("lifeboat-wal-push");
        assertThat(client).as("the build puts the client next to the jar").isExecutable();
        // dash, as /bin/sh is on Debian: the client must be POSIX sh.
        String archive = "dash " + client + " --socket " + socket + " --repo " + repo + " --password-file " + passwordFile
                + " -- %p";
        daemon = Daemon.start(this, "--wal-socket", socket.toString());
        daemon.awaitOutput("serving WAL pushes on " + socket);
        pg = PgCluster.start(Map.of("archive_mode", "on", "archive_command", archive, "wal_level", "replica",
                "max_wal_senders", "4"));
        pg.execute("postgres", "CREATE TABLE marks (id int PRIMARY KEY, note text)", "CREATE TABLE filler (id int, v text)");
    }

    @AfterAll
    void tearDown() {
        if (daemon != null) {
            daemon.kill();
        }
        if (pg != null) {
            pg.close();
        }
        deleteTree(work);
    }

    @Test
    @Order(1)
    void archiveCommandThroughTheDaemonFeedsPointInTimeRecovery() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-rw----");
        lifeboat("backup", "postgres", "--mode", "physical", "--url", pg.url("postgres"), "--wal-timeout", "60s")
                .assertSuccess();
        insertRows(40);
        pg.execute("postgres", "INSERT INTO filler SELECT g, md5(g::text) FROM generate_series(1, 100000) g");
        insertRows(40);
        String last = walFile("pg_switch_wal()");
        awaitArchived(last);
        // Every segment went through the daemon (one JVM for all), none through a direct push.
        assertThat(daemon.output()).contains("archived " + last);
        assertThat(pg.log()).doesNotContain("pushing directly");
        List<String> compared = compareWithServer(oldestStoredSegment(), last);
        assertThat(compared.size()).isGreaterThanOrEqualTo(3);
        int k = rows - 15;
        assertThat(restoredRows("daemon", lsnAfterRow.get(k))).isEqualTo(range(k));
    }

    @Test
    @Order(2)
    void clientRefusalsAreFinalAndStoreNothing() throws Exception {
        String last = query("SELECT last_archived_wal FROM pg_stat_archiver");
        Path dir = work.resolve("client-edge");
        Files.createDirectories(dir.resolve("pg_wal"));
        byte[] original = Files.readAllBytes(pg.directory().resolve("data").resolve("pg_wal").resolve(last));
        byte[] changed = original.clone();
        changed[changed.length - 1] ^= 1;
        Files.write(dir.resolve("pg_wal").resolve(last), changed);
        Files.writeString(dir.resolve("pg_wal").resolve("not-a-wal-file"), "x");
        chown(dir);
        chown(dir.resolve("pg_wal"));
        chown(dir.resolve("pg_wal").resolve(last));
        CliResult conflict = client(dir, "pg_wal/" + last);
        assertThat(conflict.exitCode()).as(conflict.describe()).isEqualTo(15);
        assertThat(conflict.stderr()).contains("different content").doesNotContain("pushing directly");
        CliResult badName = client(dir, "pg_wal/not-a-wal-file");
        assertThat(badName.exitCode()).as(badName.describe()).isEqualTo(2);
        assertThat(badName.stderr()).contains("not a WAL file name").doesNotContain("pushing directly");
        assertThat(fetch(last)).as("the archived segment is unchanged").isEqualTo(original);
        // Pushing the server's own file again is fine (PostgreSQL retries after a lost answer).
        CliResult again = client(pg.directory().resolve("data"), "pg_wal/" + last);
        assertThat(again.exitCode()).as(again.describe()).isZero();
        assertThat(daemon.output()).contains("already archived (identical) " + last);
    }

    @Test
    @Order(3)
    void killedDaemonLosesNothingPostgresWasToldIsArchived() throws Exception {
        String first = walFile("pg_current_wal_lsn()");
        AtomicBoolean loading = new AtomicBoolean(true);
        Thread load = Thread.ofPlatform().start(() -> generateWal(loading));
        try {
            // Kill the daemon while the archiver's curl is connected to it and handing a segment
            // over; the transfer and the store take far longer than the kill, but a curl may still
            // finish first, so up to three daemons are killed until one dies mid-transfer.
            for (kills = 1; !pg.log().contains(MID_TRANSFER); kills++) {
                assertThat(kills).as("a kill in the middle of a transfer; server log:\n" + tail(pg.log()))
                        .isLessThanOrEqualTo(3);
                if (daemon == null) {
                    daemon = Daemon.start(this, "--wal-socket", socket.toString());
                    daemon.awaitOutput("serving WAL pushes on " + socket);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!clientConnected()) {
                    assertThat(System.nanoTime()).as("a transfer to the daemon starts").isLessThan(deadline);
                    Thread.sleep(2);
                }
                daemon.kill();
                daemon = null;
                long reported = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (!pg.log().contains(MID_TRANSFER) && System.nanoTime() < reported) {
                    Thread.sleep(50);
                }
            }
            loading.set(false);
            load.join();
            // Three more segments, through the client's fallback while the daemon is down.
            for (int i = 0; i < 3; i++) {
                insertRows(5);
                pg.execute("postgres", "SELECT pg_switch_wal()");
            }
        } finally {
            loading.set(false);
            load.join();
        }
        String last = walFile("pg_switch_wal()");
        awaitArchived(last);
        String archived = query("SELECT last_archived_wal FROM pg_stat_archiver");
        assertThat(archived).isGreaterThanOrEqualTo(last);
        assertThat(pg.log()).contains(MID_TRANSFER).contains("pushing directly");
        List<String> names = storedNames();
        for (String s : segmentsFrom(oldestStoredSegment(), archived)) {
            assertThat(names).as("segment %s (PostgreSQL archived up to %s)", s, archived).contains(s);
        }
        List<String> compared = compareWithServer(first, archived);
        System.out.printf("WalDaemonIT: after SIGKILL mid-transfer (%d daemon(s) killed), %d segments %s..%s identical "
                + "to pg_wal%n", kills - 1, compared.size(), first, archived);
        assertThat(compared.size()).isGreaterThanOrEqualTo(3);
    }

    @Test
    @Order(4)
    void receiverInsideTheDaemonReconnectsAfterAServerRestart() throws Exception {
        // A new daemon on the killed one's socket path (its stale socket file is still there).
        assertThat(Files.exists(socket)).isTrue();
        daemon = Daemon.start(this, "--wal-socket", socket.toString(), "--wal-receive", pg.url("postgres"),
                "--create-slot", "--spool", work.resolve("spool").toString(), "--partial-interval", "1s");
        daemon.awaitOutput("serving WAL pushes on " + socket);
        daemon.awaitOutput("receiving WAL of system");
        insertRows(5);
        String before = walFile("pg_switch_wal()");
        awaitSlotPast(before);
        Path data = pg.directory().resolve("data");
        asPostgres(List.of(pg.bin().resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
                pg.directory().resolve("log").toString(), "-m", "fast", "-w", "-t", "60", "-s", "restart"));
        daemon.awaitOutput("connecting again");
        insertRows(20);
        String after = walFile("pg_switch_wal()");
        awaitSlotPast(after);
        assertThat(daemon.output().split("receiving WAL of system", -1).length - 1).as(daemon.output())
                .isGreaterThanOrEqualTo(2);
        JsonNode receiver = lifeboat("wal", "status", "--json").assertSuccess().json().path("systems").get(0)
                .path("receiver");
        assertThat(query("SELECT pg_walfile_name('" + receiver.path("flushed_lsn").asText() + "')"))
                .isGreaterThanOrEqualTo(after);
        assertThat(fetch(after)).isEqualTo(Files.readAllBytes(data.resolve("pg_wal").resolve(after)));
        CliResult stopped = daemon.terminate();
        daemon = null;
        assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
        assertThat(Files.exists(socket)).as("the socket is removed on SIGTERM").isFalse();
    }

    /** Inserts and WAL switches until told to stop: a busy server with segments waiting to be archived. */
    private void generateWal(AtomicBoolean loading) {
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
            for (int i = 0; loading.get() && i < 60; i++) {
                st.execute("INSERT INTO filler SELECT g, md5(g::text) FROM generate_series(1, 20000) g");
                st.execute("SELECT pg_switch_wal()");
                Thread.sleep(250);
            }
        } catch (SQLException | InterruptedException e) {
            throw new IllegalStateException("WAL load failed", e);
        }
    }

    /** Whether a curl of lifeboat-wal-push is running and has its socket to the daemon open. */
    private boolean clientConnected() throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (cmd.startsWith("curl\0") && cmd.contains(socket.toString()) && hasSocket(p)) {
                        return true;
                    }
                } catch (IOException e) {
                    // The process ended meanwhile.
                }
            }
        }
        return false;
    }

    private static boolean hasSocket(Path proc) throws IOException {
        try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith("socket:")) {
                        return true;
                    }
                } catch (IOException e) {
                    // Closed meanwhile.
                }
            }
        }
        return false;
    }

    private CliResult client(Path dir, String file) throws IOException, InterruptedException {
        Path client = jar().getParent().resolve("lifeboat-wal-push");
        List<String> cmd = List.of("dash", client.toString(), "--socket", socket.toString(), "--repo", repo.toString(),
                "--password-file", passwordFile.toString(), "--", file);
        Instant start = Instant.now();
        ProcessBuilder pb = new ProcessBuilder(asPostgresCommand(cmd)).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("LIFEBOAT_") || k.startsWith("PG"));
        Process p = pb.start();
        byte[][] got = new byte[2][];
        Thread o = Thread.ofVirtual().start(() -> got[0] = readAll(p.getInputStream()));
        Thread e = Thread.ofVirtual().start(() -> got[1] = readAll(p.getErrorStream()));
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        o.join();
        e.join();
        return new CliResult(cmd, p.exitValue(), new String(got[0], StandardCharsets.UTF_8),
                new String(got[1], StandardCharsets.UTF_8), Duration.between(start, Instant.now()));
    }

    private void awaitArchived(String segment) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (query("SELECT coalesce(last_archived_wal, '') >= '" + segment + "' FROM pg_stat_archiver").equals("f")) {
            assertThat(System.nanoTime()).as("segment " + segment + " archived; server log:\n" + tail(pg.log()))
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private void awaitSlotPast(String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            String restart = query("SELECT restart_lsn::text FROM pg_replication_slots WHERE slot_name = 'lifeboat'");
            if (restart != null && query("SELECT pg_walfile_name('" + restart + "')").compareTo(name) >= 0) {
                return;
            }
            assertThat(System.nanoTime()).as("slot acknowledges " + name + " (daemon: " + daemon.output() + ")")
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static String tail(String log) {
        return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
    }

    private List<Integer> range(int upTo) {
        List<Integer> out = new ArrayList<>();
        for (int i = 1; i <= upTo; i++) {
            out.add(i);
        }
        return out;
    }

    private void insertRows(int n) throws SQLException {
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

    private String query(String sql) throws SQLException {
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private String walFile(String lsnExpression) throws SQLException {
        return query("SELECT pg_walfile_name(" + lsnExpression + ")");
    }

    private List<String> storedNames() throws IOException {
        try (Stream<Path> s = Files.walk(repo.resolve("wal"))) {
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList();
        }
    }

    private String oldestStoredSegment() throws IOException {
        return storedNames().stream().filter(n -> n.matches("[0-9A-F]{24}")).min(String::compareTo).orElseThrow();
    }

    private static List<String> segmentsFrom(String first, String last) {
        List<String> out = new ArrayList<>();
        for (String s = first; s.compareTo(last) <= 0; s = io.lifeboat.source.postgres.physical.Lsn.nextSegment(s, SEGMENT)) {
            out.add(s);
        }
        return out;
    }

    /** Every segment from first to last is archived, equal to the server's pg_wal file where that is still there. */
    private List<String> compareWithServer(String first, String last) throws Exception {
        List<String> compared = new ArrayList<>();
        try (Repository r = openRepository()) {
            WalArchive wal = new WalArchive(r.storage(), r.codec());
            String sysid = query("SELECT system_identifier::text FROM pg_control_system()");
            for (String s : segmentsFrom(first, last)) {
                byte[] stored = wal.fetch(sysid, s).orElse(null);
                assertThat(stored).as("segment %s in the repository", s).isNotNull();
                Path onServer = pg.directory().resolve("data").resolve("pg_wal").resolve(s);
                if (Files.exists(onServer)) {
                    assertThat(stored).as("segment %s equals the server's", s).isEqualTo(Files.readAllBytes(onServer));
                    compared.add(s);
                }
            }
        }
        return compared;
    }

    private byte[] fetch(String name) throws Exception {
        try (Repository r = openRepository()) {
            return new WalArchive(r.storage(), r.codec())
                    .fetch(query("SELECT system_identifier::text FROM pg_control_system()"), name).orElse(null);
        }
    }

    /** The repository, opened in this JVM (reading only): one key derivation for many comparisons. */
    private Repository openRepository() {
        Storage storage = Main.defaultStorages(Map.of()).open(repo.toString());
        return Repository.open(storage, PASSWORD.toCharArray(), ClientContext.system());
    }

    /** Restores the newest base backup with the archived WAL to {@code lsn}, starts it, returns the marks ids. */
    private List<Integer> restoredRows(String name, String lsn) throws Exception {
        Path data = work.resolve("restored-" + name);
        int port = freePort();
        try {
            CliResult restore = lifeboat("restore", "postgres", "--data-dir", data.toString(), "--no-archive", "--start",
                    "--port", Integer.toString(port), "--start-timeout", "5m", "--target-lsn", lsn).assertSuccess();
            System.out.printf("WalDaemonIT: %s restore and recovery %.1fs%n", name, restore.seconds());
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

    /** 'lifeboat serve' in the background as the server's OS user. */
    private static final class Daemon {
        private final Process process;
        private final List<String> args;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteArrayOutputStream err = new ByteArrayOutputStream();
        private final Thread outReader;
        private final Thread errReader;
        private final Instant started = Instant.now();

        private Daemon(Process process, List<String> args) {
            this.process = process;
            this.args = args;
            outReader = Thread.ofVirtual().start(() -> copy(process.getInputStream(), out));
            errReader = Thread.ofVirtual().start(() -> copy(process.getErrorStream(), err));
        }

        static Daemon start(WalDaemonIT it, String... serveArgs) throws IOException {
            List<String> args = new ArrayList<>(List.of("serve"));
            args.addAll(List.of(serveArgs));
            ProcessBuilder pb = new ProcessBuilder(asPostgresCommand(it.command(args)))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().keySet().removeIf(k -> k.startsWith("LIFEBOAT_") || k.startsWith("PG"));
            pb.environment().putAll(it.environment());
            return new Daemon(pb.start(), args);
        }

        void awaitOutput(String text) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!output().contains(text)) {
                assertThat(process.isAlive()).as("daemon runs: " + output()).isTrue();
                assertThat(System.nanoTime()).as("daemon prints '" + text + "': " + output()).isLessThan(deadline);
                Thread.sleep(50);
            }
        }

        synchronized String output() {
            return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        }

        /** SIGKILL (setpriv execs java, so this is the JVM itself): no shutdown, no cleanup. */
        void kill() {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        CliResult terminate() throws InterruptedException {
            process.destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("daemon stops on SIGTERM").isTrue();
            outReader.join();
            errReader.join();
            return new CliResult(args, process.exitValue(), out.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8), Duration.between(started, Instant.now()));
        }

        private void copy(InputStream in, ByteArrayOutputStream to) {
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    synchronized (this) {
                        to.write(buf, 0, n);
                    }
                }
            } catch (IOException e) {
                // The process ended.
            }
        }
    }

    private List<String> command(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar().toString()));
        cmd.addAll(args);
        cmd.addAll(List.of("--repo", repo.toString(), "--password-file", passwordFile.toString()));
        return cmd;
    }

    private Map<String, String> environment() {
        return Map.of("PGPASSWORD", pg == null ? "" : pg.password(), "LIFEBOAT_PROGRESS", "0", "LC_ALL", "C.UTF-8");
    }

    private CliResult lifeboat(String... args) throws IOException, InterruptedException {
        Instant start = Instant.now();
        ProcessBuilder pb = new ProcessBuilder(asPostgresCommand(command(List.of(args))))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("LIFEBOAT_") || k.startsWith("PG"));
        pb.environment().putAll(environment());
        Process p = pb.start();
        byte[][] got = new byte[2][];
        Thread o = Thread.ofVirtual().start(() -> got[0] = readAll(p.getInputStream()));
        Thread e = Thread.ofVirtual().start(() -> got[1] = readAll(p.getErrorStream()));
        assertThat(p.waitFor(4, TimeUnit.MINUTES)).as("lifeboat " + String.join(" ", args) + " finished").isTrue();
        o.join();
        e.join();
        return new CliResult(List.of(args), p.exitValue(), new String(got[0], StandardCharsets.UTF_8),
                new String(got[1], StandardCharsets.UTF_8), Duration.between(start, Instant.now()));
    }

    private void asPostgres(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(asPostgresCommand(cmd)).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(4, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + new String(out, StandardCharsets.UTF_8)).isZero();
    }

    /** {@code cmd} as the server's OS user when the tests run as root (setpriv execs it: the pid is the command's). */
    private static List<String> asPostgresCommand(List<String> cmd) {
        List<String> full = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            full.addAll(List.of("setpriv", "--reuid=" + RUN_AS, "--regid=" + RUN_AS, "--init-groups", "--"));
        }
        full.addAll(cmd);
        return full;
    }
}
