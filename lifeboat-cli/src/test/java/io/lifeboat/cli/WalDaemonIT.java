package io.lifeboat.cli;

import static io.lifeboat.cli.PostgresOsSupport.chown;
import static io.lifeboat.cli.PostgresOsSupport.jar;
import static io.lifeboat.cli.WalTestCluster.range;
import static io.lifeboat.cli.WalTestCluster.segmentsFrom;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.testkit.postgres.PgCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
    /** What lifeboat-wal-push logs when the daemon goes away during a transfer. */
    private static final String MID_TRANSFER = "connection to the daemon failed during the transfer";

    private WalTestCluster cluster;
    private PgCluster pg;
    private Path work;
    private Path repo;
    private Path passwordFile;
    private Path socket;
    private BackgroundCli daemon;
    private int kills;

    @BeforeAll
    void setUp() throws Exception {
        cluster = WalTestCluster.create("WalDaemonIT", "lifeboat-daemon-", PASSWORD);
        work = cluster.work();
        repo = cluster.repo();
        passwordFile = cluster.passwordFile();
        socket = work.resolve("wal.sock");
        lifeboat("init").assertSuccess();
        Path client = jar().getParent().resolve("lifeboat-wal-push");
        assertThat(client).as("the build puts the client next to the jar").isExecutable();
        // dash, as /bin/sh is on Debian: the client must be POSIX sh.
        String archive = "dash " + client + " --socket " + socket + " --repo " + repo + " --password-file " + passwordFile
                + " -- %p";
        daemon = startDaemon("--wal-socket", socket.toString());
        daemon.awaitOutput("serving WAL pushes on " + socket);
        cluster.startServer(Map.of("archive_mode", "on", "archive_command", archive, "wal_level", "replica",
                "max_wal_senders", "4"));
        pg = cluster.pg();
    }

    @AfterAll
    void tearDown() {
        if (daemon != null) {
            daemon.kill();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void archiveCommandThroughTheDaemonFeedsPointInTimeRecovery() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-rw----");
        lifeboat("backup", "postgres", "--mode", "physical", "--url", pg.url("postgres"), "--wal-timeout", "60s")
                .assertSuccess();
        cluster.insertRows(40);
        pg.execute("postgres", "INSERT INTO filler SELECT g, md5(g::text) FROM generate_series(1, 100000) g");
        cluster.insertRows(40);
        String last = cluster.walFile("pg_switch_wal()");
        awaitArchived(last);
        // Every segment went through the daemon (one JVM for all), none through a direct push.
        assertThat(daemon.output()).contains("archived " + last);
        assertThat(pg.log()).doesNotContain("pushing directly");
        List<String> compared = cluster.compareWithServer(cluster.oldestStoredSegment(), last);
        assertThat(compared.size()).isGreaterThanOrEqualTo(3);
        int k = cluster.rows() - 15;
        assertThat(cluster.restoredRows("daemon", cluster.lsnAfterRow(k))).isEqualTo(range(k));
    }

    @Test
    @Order(2)
    void clientRefusalsAreFinalAndStoreNothing() throws Exception {
        String last = cluster.query("SELECT last_archived_wal FROM pg_stat_archiver");
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
        assertThat(cluster.fetch(last)).as("the archived segment is unchanged").isEqualTo(original);
        // Pushing the server's own file again is fine (PostgreSQL retries after a lost answer).
        CliResult again = client(pg.directory().resolve("data"), "pg_wal/" + last);
        assertThat(again.exitCode()).as(again.describe()).isZero();
        assertThat(daemon.output()).contains("already archived (identical) " + last);
    }

    @Test
    @Order(3)
    void killedDaemonLosesNothingPostgresWasToldIsArchived() throws Exception {
        String first = cluster.walFile("pg_current_wal_lsn()");
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
                    daemon = startDaemon("--wal-socket", socket.toString());
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
                cluster.insertRows(5);
                pg.execute("postgres", "SELECT pg_switch_wal()");
            }
        } finally {
            loading.set(false);
            load.join();
        }
        String last = cluster.walFile("pg_switch_wal()");
        awaitArchived(last);
        String archived = cluster.query("SELECT last_archived_wal FROM pg_stat_archiver");
        assertThat(archived).isGreaterThanOrEqualTo(last);
        assertThat(pg.log()).contains(MID_TRANSFER).contains("pushing directly");
        List<String> names = cluster.storedNames();
        for (String s : segmentsFrom(cluster.oldestStoredSegment(), archived)) {
            assertThat(names).as("segment %s (PostgreSQL archived up to %s)", s, archived).contains(s);
        }
        List<String> compared = cluster.compareWithServer(first, archived);
        System.out.printf("WalDaemonIT: after SIGKILL mid-transfer (%d daemon(s) killed), %d segments %s..%s identical "
                + "to pg_wal%n", kills - 1, compared.size(), first, archived);
        assertThat(compared.size()).isGreaterThanOrEqualTo(3);
    }

    @Test
    @Order(4)
    void receiverInsideTheDaemonReconnectsAfterAServerRestart() throws Exception {
        // A new daemon on the killed one's socket path (its stale socket file is still there).
        assertThat(Files.exists(socket)).isTrue();
        daemon = startDaemon("--wal-socket", socket.toString(), "--wal-receive", pg.url("postgres"),
                "--create-slot", "--spool", work.resolve("spool").toString(), "--partial-interval", "1s");
        daemon.awaitOutput("serving WAL pushes on " + socket);
        daemon.awaitOutput("receiving WAL of system");
        cluster.insertRows(5);
        String before = cluster.walFile("pg_switch_wal()");
        cluster.awaitSlotPast(before, daemon);
        Path data = pg.directory().resolve("data");
        PostgresOsSupport.asPostgres(List.of(pg.bin().resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
                pg.directory().resolve("log").toString(), "-m", "fast", "-w", "-t", "60", "-s", "restart"));
        daemon.awaitOutput("connecting again");
        cluster.insertRows(20);
        String after = cluster.walFile("pg_switch_wal()");
        cluster.awaitSlotPast(after, daemon);
        assertThat(daemon.output().split("receiving WAL of system", -1).length - 1).as(daemon.output())
                .isGreaterThanOrEqualTo(2);
        JsonNode receiver = lifeboat("wal", "status", "--json").assertSuccess().json().path("systems").get(0)
                .path("receiver");
        assertThat(cluster.query("SELECT pg_walfile_name('" + receiver.path("flushed_lsn").asText() + "')"))
                .isGreaterThanOrEqualTo(after);
        assertThat(cluster.fetch(after)).isEqualTo(Files.readAllBytes(data.resolve("pg_wal").resolve(after)));
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
        Process p = PostgresOsSupport.asServerUser(cmd).directory(dir.toFile()).start();
        return PostgresOsSupport.finish(p, cmd, start, Duration.ofMinutes(2));
    }

    private void awaitArchived(String segment) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (cluster.query("SELECT coalesce(last_archived_wal, '') >= '" + segment + "' FROM pg_stat_archiver").equals("f")) {
            assertThat(System.nanoTime()).as("segment " + segment + " archived; server log:\n" + tail(pg.log()))
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static String tail(String log) {
        return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
    }

    /** 'lifeboat serve' in the background as the server's OS user. */
    private BackgroundCli startDaemon(String... serveArgs) throws IOException {
        List<String> args = new ArrayList<>(List.of("serve"));
        args.addAll(List.of(serveArgs));
        return BackgroundCli.start("daemon", cluster, args);
    }

    private CliResult lifeboat(String... args) throws IOException, InterruptedException {
        return cluster.lifeboat(args);
    }
}
