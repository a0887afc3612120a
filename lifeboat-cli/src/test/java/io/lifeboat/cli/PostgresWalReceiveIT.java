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
import io.lifeboat.testkit.postgres.PgCluster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code wal receive} on a real cluster with WAL archiving off, so that every WAL byte in the
 * repository came through the replication stream. The receiver runs as a background process as
 * the server's OS user (as the CLI calls of {@link PostgresPitrIT} do), is killed with SIGKILL in
 * the middle of a segment and restarted, and stopped with SIGTERM; restores then recover from the
 * streamed WAL alone, one of them to a position only the {@code .streaming} copy holds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresWalReceiveIT {
    private static final String PASSWORD = "receive test password";
    private static final long SEGMENT = 16L * 1024 * 1024;

    private Path work;
    private Path repo;
    private Path spool;
    private Path passwordFile;
    private PgCluster pg;
    private Receiver receiver;
    private int rows;
    /** Row id → WAL insert position right after its commit. */
    private final Map<Integer, String> lsnAfterRow = new java.util.HashMap<>();

    @BeforeAll
    void setUp() throws Exception {
        work = Files.createTempDirectory("lifeboat-receive-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        repo = work.resolve("repo");
        spool = work.resolve("spool");
        passwordFile = work.resolve("password");
        Files.writeString(passwordFile, PASSWORD + "\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        chown(work);
        chown(passwordFile);
        pg = PgCluster.start(Map.of("archive_mode", "off", "wal_level", "replica", "max_wal_senders", "4"));
        lifeboat("init").assertSuccess();
        pg.execute("postgres", "CREATE TABLE marks (id int PRIMARY KEY, note text)",
                "CREATE TABLE filler (id int, v text)");
    }

    @AfterAll
    void tearDown() {
        if (receiver != null) {
            receiver.kill();
        }
        if (pg != null) {
            pg.close();
        }
        deleteTree(work);
    }

    @Test
    @Order(1)
    void receiveRefusesAMissingSlotAndARoleWithoutReplicationAndABaseBackupHasNoWalSource() throws Exception {
        CliResult missing = lifeboat("wal", "receive", "--url", pg.url("postgres"), "--spool", spool.toString(), "--once")
                .assertExitCode(13);
        assertThat(missing.stderr()).contains("replication slot 'lifeboat' does not exist").contains("--create-slot");
        pg.execute("postgres", "CREATE ROLE plain LOGIN PASSWORD 'plain pw'");
        CliResult role = lifeboatWithPassword("plain pw", "wal", "receive", "--url", pg.url("plain", "postgres"),
                "--spool", spool.toString(), "--create-slot", "--once").assertExitCode(17);
        assertThat(role.stderr()).contains("lacks the REPLICATION attribute").contains("ALTER ROLE \"plain\" REPLICATION");
        // Without archiving and without a receiver, a base backup's WAL could never arrive.
        CliResult base = lifeboat("backup", "postgres", "--mode", "physical", "--url", pg.url("postgres"))
                .assertExitCode(18);
        assertThat(base.stderr()).contains("archive_mode = off").contains("no WAL receiver streams")
                .contains("lifeboat wal receive");
    }

    @Test
    @Order(2)
    void streamedSegmentsAreByteIdenticalToTheServersAndAcknowledgedOnlyOnceStored() throws Exception {
        receiver = Receiver.start(this, "--create-slot", "--partial-interval", "1s");
        receiver.awaitOutput("receiving WAL of system");
        // archive_mode is off: the base backup accepts it because the slot is active, and its WAL
        // arrives through the stream.
        lifeboat("backup", "postgres", "--mode", "physical", "--url", pg.url("postgres"), "--wal-timeout", "60s")
                .assertSuccess();
        String first = walFile("pg_current_wal_lsn()");
        insertRows(50);
        pg.execute("postgres", "INSERT INTO filler SELECT g, md5(g::text) FROM generate_series(1, 120000) g");
        insertRows(50);
        String last = walFile("pg_switch_wal()");
        insertRows(20);
        pg.execute("postgres", "SELECT pg_switch_wal()");
        awaitSlotPast(last);
        List<String> compared = compareWithServer(first, last);
        assertThat(compared.size()).isGreaterThanOrEqualTo(2);
        System.out.printf("PostgresWalReceiveIT: %d segments byte-identical to pg_wal (%s..%s)%n", compared.size(), first,
                last);
    }

    @Test
    @Order(3)
    void killedReceiverLosesNothingAcknowledgedAndResumesWithoutGaps() throws Exception {
        insertRows(30);
        pg.execute("postgres", "INSERT INTO filler SELECT g, md5(g::text) FROM generate_series(1, 20000) g");
        insertRows(30);
        Thread.sleep(2500); // at least one .streaming store of the segment being received
        receiver.kill();
        String restart = slotRestartLsn();
        String restartSegment = query("SELECT pg_walfile_name('" + restart + "'::pg_lsn + 1)");
        // Everything the slot no longer keeps is in the repository, and the segment being received
        // only as its .streaming copy.
        String oldest = oldestRepositorySegment();
        List<String> before = segmentsFrom(oldest, restartSegment);
        for (String s : before.subList(0, before.size() - 1)) {
            assertThat(storedNames()).as("segment %s before the slot's restart_lsn %s", s, restart).contains(s);
        }
        assertThat(storedNames()).doesNotContain(restartSegment).contains(restartSegment + ".streaming");
        JsonNode status = lifeboat("wal", "status", "--json").assertSuccess().json().path("systems").get(0);
        assertThat(status.path("receiver").path("flushed_lsn").asText()).isEqualTo(restart);
        insertRows(30);
        String last = walFile("pg_switch_wal()");
        String until = currentLsn();
        CliResult resumed = lifeboat("wal", "receive", "--url", pg.url("postgres"), "--spool", spool.toString(),
                "--until-lsn", until, "--json").assertSuccess();
        JsonNode r = resumed.json();
        // The slot's restart_lsn is the received position acknowledged after the last .streaming
        // store: the receiver streams again from the start of the segment holding it.
        assertThat(r.path("start_lsn").asText()).isEqualTo(query("SELECT ('" + restart + "'::pg_lsn - (('" + restart
                + "'::pg_lsn - '0/0'::pg_lsn) % " + SEGMENT + "))::text"));
        assertThat(r.path("segments_stored").asLong()).isGreaterThanOrEqualTo(1);
        compareWithServer(restartSegment, last);
        assertThat(storedNames()).doesNotContain(restartSegment + ".streaming");
        assertThat(compareLsn(slotRestartLsn(), restart)).isPositive();
        assertThat(query("SELECT pg_walfile_name('" + slotRestartLsn() + "')")).isGreaterThanOrEqualTo(last);
    }

    @Test
    @Order(4)
    void pointInTimeRecoveryFromStreamedWalOnly() throws Exception {
        int k = rows - 40;
        assertThat(restoredRows("complete", lsnAfterRow.get(k))).isEqualTo(range(k));
    }

    /** The target lies in the segment still being received: only its .streaming copy holds it. */
    @Test
    @Order(5)
    void recoveryReachesWalThatOnlyTheStreamingCopyHolds() throws Exception {
        receiver = Receiver.start(this, "--partial-interval", "1s");
        receiver.awaitOutput("receiving WAL of system");
        insertRows(40);
        int m = rows - 10;
        String end = currentLsn();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            JsonNode rec = lifeboat("wal", "status", "--json").assertSuccess().json().path("systems").get(0).path("receiver");
            if (compareLsn(rec.path("stored_lsn").asText(), end) >= 0) {
                break;
            }
            assertThat(System.nanoTime()).as("the receiver stores the partial segment").isLessThan(deadline);
            Thread.sleep(300);
        }
        CliResult stopped = receiver.terminate();
        assertThat(stopped.exitCode()).as(stopped.describe()).isEqualTo(130);
        assertThat(stopped.stdout()).contains("received");
        receiver = null;
        assertThat(storedNames()).doesNotContain(walFileOf(end)).contains(walFileOf(end) + ".streaming");
        assertThat(restoredRows("streaming", lsnAfterRow.get(m))).isEqualTo(range(m));
    }

    @Test
    @Order(6)
    void anotherSystemIsRefusedWithoutCreatingASlotThere() throws Exception {
        try (PgCluster other = PgCluster.start(Map.of("wal_level", "replica"))) {
            CliResult r = lifeboatWithPassword(other.password(), "wal", "receive", "--url", other.url("postgres"),
                    "--spool", work.resolve("other-spool").toString(), "--create-slot", "--once").assertExitCode(18);
            assertThat(r.stderr()).contains("holds WAL and base backups of PostgreSQL system").contains("its own repository");
            try (Connection c = other.connect("postgres"); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_replication_slots")) {
                rs.next();
                assertThat(rs.getInt(1)).as("slots on the refused server").isZero();
            }
        }
    }

    /**
     * The server recovered in the previous test was promoted to timeline 2 (same system): streaming
     * from it stores its history file, read over the replication protocol, and timeline 2's segments.
     */
    @Test
    @Order(7)
    void receivingFromAPromotedServerStoresItsHistoryAndNewTimeline() throws Exception {
        Path data = work.resolve("restored-streaming");
        int port = freePort();
        Process start = runAs(List.of(pg.bin().resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
                work.resolve("restored-streaming.log").toString(), "-w", "-s", "-o", "-p " + port + " -k " + work
                        + " -c listen_addresses=127.0.0.1 -c archive_mode=off", "start"), Map.of());
        start.getInputStream().readAllBytes();
        assertThat(start.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(start.exitValue()).as("restart of the promoted server").isZero();
        try {
            String url = "postgresql://postgres@127.0.0.1:" + port + "/postgres";
            String last;
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                    PgCluster.SUPERUSER, pg.password()); Statement st = c.createStatement()) {
                st.execute("SELECT pg_create_physical_replication_slot('tl2', true)");
                st.execute("INSERT INTO marks VALUES (100000, 'on timeline 2')");
                try (ResultSet rs = st.executeQuery("SELECT pg_walfile_name(pg_switch_wal())")) {
                    rs.next();
                    last = rs.getString(1);
                }
            }
            assertThat(last).startsWith("00000002");
            lifeboat("wal", "receive", "--url", url, "--slot", "tl2", "--spool", work.resolve("spool-tl2").toString(),
                    "--once").assertSuccess();
            assertThat(storedNames()).contains("00000002.history", last);
            Path history = data.resolve("pg_wal").resolve("00000002.history");
            byte[] fetched = fetchFile("00000002.history");
            assertThat(fetched).isEqualTo(Files.readAllBytes(history));
            assertThat(fetch(last)).isEqualTo(Files.readAllBytes(data.resolve("pg_wal").resolve(last)));
        } finally {
            Process stop = runAs(List.of(pg.bin().resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate",
                    "-w", "-s", "stop"), Map.of());
            stop.getInputStream().readAllBytes();
            stop.waitFor(2, TimeUnit.MINUTES);
        }
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

    private String walFileOf(String lsn) throws SQLException {
        return query("SELECT pg_walfile_name('" + lsn + "'::pg_lsn - 1)");
    }

    private String currentLsn() throws SQLException {
        return query("SELECT pg_current_wal_lsn()::text");
    }

    private String slotRestartLsn() throws SQLException {
        return query("SELECT restart_lsn::text FROM pg_replication_slots WHERE slot_name = 'lifeboat'");
    }

    private int compareLsn(String a, String b) throws SQLException {
        return Integer.signum(Integer.parseInt(query("SELECT sign('" + a + "'::pg_lsn - '" + b + "'::pg_lsn)::int")));
    }

    /**
     * Waits until the slot was told that the segment {@code name} is flushed: its restart_lsn moves
     * to segment ends (pg_walfile_name names the segment that ends there) or, after a .streaming
     * store, into the segment being received, which comes after {@code name}.
     */
    private void awaitSlotPast(String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            String restart = slotRestartLsn();
            if (restart != null && query("SELECT pg_walfile_name('" + restart + "')").compareTo(name) >= 0) {
                return;
            }
            assertThat(System.nanoTime()).as("slot acknowledges " + name + " (receiver: " + receiver.output() + ")")
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** The names of the objects under wal/ in the repository. */
    private List<String> storedNames() throws IOException {
        try (Stream<Path> s = Files.walk(repo.resolve("wal"))) {
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList();
        }
    }

    private String oldestRepositorySegment() throws Exception {
        return Files.list(repo.resolve("wal")).flatMap(PostgresWalReceiveIT::walk).map(p -> p.getFileName().toString())
                .filter(n -> n.matches("[0-9A-F]{24}")).min(Comparator.naturalOrder()).orElseThrow();
    }

    private static Stream<Path> walk(Path p) {
        try {
            return Files.walk(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> segmentsFrom(String first, String last) {
        List<String> out = new ArrayList<>();
        String s = first;
        while (s.compareTo(last) <= 0) {
            out.add(s);
            s = io.lifeboat.source.postgres.physical.Lsn.nextSegment(s, SEGMENT);
        }
        return out;
    }

    /** Fetches every segment from first to last and compares it with the server's pg_wal file (where still there). */
    private List<String> compareWithServer(String first, String last) throws Exception {
        List<String> compared = new ArrayList<>();
        for (String s : segmentsFrom(first, last)) {
            byte[] stored = fetch(s);
            assertThat(stored).as("segment %s in the repository", s).isNotNull();
            Path onServer = pg.directory().resolve("data").resolve("pg_wal").resolve(s);
            if (Files.exists(onServer)) {
                assertThat(stored).as("segment %s equals the server's", s).isEqualTo(Files.readAllBytes(onServer));
                compared.add(s);
            }
        }
        return compared;
    }

    /** The segment as 'wal fetch' (restore_command) serves it, or null when it exits 13. */
    private byte[] fetch(String segment) throws Exception {
        return fetchFile(segment);
    }

    private byte[] fetchFile(String segment) throws Exception {
        Path dir = work.resolve("fetched");
        if (!Files.exists(dir)) {
            Files.createDirectories(dir.resolve("pg_wal"));
            chown(dir);
            chown(dir.resolve("pg_wal"));
        }
        Path dest = dir.resolve("pg_wal").resolve(segment);
        Files.deleteIfExists(dest);
        CliResult r = lifeboat("wal", "fetch", segment, dest.toString(), "--system-id", query(
                "SELECT system_identifier::text FROM pg_control_system()"));
        if (r.exitCode() == 13) {
            return null;
        }
        r.assertSuccess();
        return Files.readAllBytes(dest);
    }

    /** Restores the newest base backup with the streamed WAL to {@code lsn}, starts it, returns the marks ids. */
    private List<Integer> restoredRows(String name, String lsn) throws Exception {
        Path data = work.resolve("restored-" + name);
        int port = freePort();
        try {
            CliResult restore = lifeboat("restore", "postgres", "--data-dir", data.toString(), "--no-archive", "--start",
                    "--port", Integer.toString(port), "--start-timeout", "5m", "--target-lsn", lsn, "--json")
                    .assertSuccess();
            System.out.printf("PostgresWalReceiveIT: %s restore and recovery %.1fs%n", name, restore.seconds());
            String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
            try (Connection c = DriverManager.getConnection(url, PgCluster.SUPERUSER, pg.password());
                    Statement st = c.createStatement()) {
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
                Process p = runAs(List.of(pg.bin().resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate",
                        "-w", "-s", "stop"), Map.of());
                p.getInputStream().readAllBytes();
                p.waitFor(2, TimeUnit.MINUTES);
            }
        }
    }

    /** A 'wal receive' running in the background as the server's OS user. */
    private static final class Receiver {
        private final Process process;
        private final List<String> args;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteArrayOutputStream err = new ByteArrayOutputStream();
        private final Thread outReader;
        private final Thread errReader;
        private final Instant started = Instant.now();

        private Receiver(Process process, List<String> args) {
            this.process = process;
            this.args = args;
            outReader = Thread.ofVirtual().start(() -> copy(process.getInputStream(), out));
            errReader = Thread.ofVirtual().start(() -> copy(process.getErrorStream(), err));
        }

        static Receiver start(PostgresWalReceiveIT it, String... extra) throws IOException {
            List<String> args = new ArrayList<>(List.of("wal", "receive", "--url", it.pg.url("postgres"), "--spool",
                    it.spool.toString()));
            args.addAll(List.of(extra));
            return new Receiver(it.runAs(it.command(args), it.environment(it.pg.password())), args);
        }

        /** The java process (runuser forks it when the tests run as root). */
        private ProcessHandle java() {
            return process.descendants().filter(h -> h.info().command().orElse("").endsWith("java")).findFirst()
                    .orElse(process.toHandle());
        }

        void awaitOutput(String text) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!output().contains(text)) {
                assertThat(process.isAlive()).as("receiver runs: " + output()).isTrue();
                assertThat(System.nanoTime()).as("receiver prints '" + text + "': " + output()).isLessThan(deadline);
                Thread.sleep(100);
            }
        }

        synchronized String output() {
            return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        }

        void kill() {
            java().destroyForcibly();
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** SIGTERM, then waits for it to finish. */
        CliResult terminate() throws InterruptedException {
            java().destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("receiver stops on SIGTERM").isTrue();
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

    private Map<String, String> environment(String pgPassword) {
        return Map.of("PGPASSWORD", pgPassword, "LIFEBOAT_PROGRESS", "0", "LC_ALL", "C.UTF-8");
    }

    private CliResult lifeboat(String... args) throws IOException, InterruptedException {
        return lifeboatWithPassword(pg.password(), args);
    }

    private CliResult lifeboatWithPassword(String pgPassword, String... args) throws IOException, InterruptedException {
        Instant start = Instant.now();
        Process p = runAs(command(List.of(args)), environment(pgPassword));
        byte[][] got = new byte[2][];
        Thread o = Thread.ofVirtual().start(() -> got[0] = readAll(p.getInputStream()));
        Thread e = Thread.ofVirtual().start(() -> got[1] = readAll(p.getErrorStream()));
        assertThat(p.waitFor(4, TimeUnit.MINUTES)).as("lifeboat " + String.join(" ", args) + " finished").isTrue();
        o.join();
        e.join();
        return new CliResult(List.of(args), p.exitValue(), new String(got[0], StandardCharsets.UTF_8),
                new String(got[1], StandardCharsets.UTF_8), Duration.between(start, Instant.now()));
    }

    private Process runAs(List<String> cmd, Map<String, String> env) throws IOException {
        List<String> full = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            full.addAll(List.of("runuser", "-u", RUN_AS, "--"));
        }
        full.addAll(cmd);
        ProcessBuilder pb = new ProcessBuilder(full).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("LIFEBOAT_") || k.startsWith("PG"));
        pb.environment().putAll(env);
        return pb.start();
    }
}
