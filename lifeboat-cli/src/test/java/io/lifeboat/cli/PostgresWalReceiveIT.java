package io.lifeboat.cli;

import static io.lifeboat.cli.PostgresOsSupport.freePort;
import static io.lifeboat.cli.WalTestCluster.SEGMENT;
import static io.lifeboat.cli.WalTestCluster.range;
import static io.lifeboat.cli.WalTestCluster.segmentsFrom;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.testkit.postgres.PgCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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

    private WalTestCluster cluster;
    private PgCluster pg;
    private Path work;
    private Path spool;
    private BackgroundCli receiver;

    @BeforeAll
    void setUp() throws Exception {
        cluster = WalTestCluster.create("PostgresWalReceiveIT", "lifeboat-receive-", PASSWORD);
        work = cluster.work();
        spool = work.resolve("spool");
        cluster.startServer(Map.of("archive_mode", "off", "wal_level", "replica", "max_wal_senders", "4"));
        pg = cluster.pg();
        lifeboat("init").assertSuccess();
    }

    @AfterAll
    void tearDown() {
        if (receiver != null) {
            receiver.kill();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void receiveRefusesAMissingSlotAndARoleWithoutReplicationAndABaseBackupHasNoWalSource() throws Exception {
        CliResult missing = lifeboat("wal", "receive", "--url", pg.url("postgres"), "--spool", spool.toString(), "--once")
                .assertExitCode(13);
        assertThat(missing.stderr()).contains("replication slot 'lifeboat' does not exist").contains("--create-slot");
        pg.execute("postgres", "CREATE ROLE plain LOGIN PASSWORD 'plain pw'");
        CliResult role = cluster.lifeboatWithPassword("plain pw", "wal", "receive", "--url", pg.url("plain", "postgres"),
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
        receiver = startReceiver("--create-slot", "--partial-interval", "1s");
        receiver.awaitOutput("receiving WAL of system");
        // archive_mode is off: the base backup accepts it because the slot is active, and its WAL
        // arrives through the stream.
        lifeboat("backup", "postgres", "--mode", "physical", "--url", pg.url("postgres"), "--wal-timeout", "60s")
                .assertSuccess();
        String first = cluster.walFile("pg_current_wal_lsn()");
        cluster.insertRows(50);
        pg.execute("postgres", "INSERT INTO filler SELECT g, md5(g::text) FROM generate_series(1, 120000) g");
        cluster.insertRows(50);
        // These ~9 MB of WAL may all fit in the segment they started in. Closing it and writing
        // more rows puts the last segment after the first, so at least two are compared.
        pg.execute("postgres", "SELECT pg_switch_wal()");
        cluster.insertRows(10);
        String last = cluster.walFile("pg_switch_wal()");
        cluster.insertRows(20);
        pg.execute("postgres", "SELECT pg_switch_wal()");
        cluster.awaitSlotPast(last, receiver);
        List<String> compared = compareWithServer(first, last);
        assertThat(compared.size()).isGreaterThanOrEqualTo(2);
        System.out.printf("PostgresWalReceiveIT: %d segments byte-identical to pg_wal (%s..%s)%n", compared.size(), first,
                last);
    }

    @Test
    @Order(3)
    void killedReceiverLosesNothingAcknowledgedAndResumesWithoutGaps() throws Exception {
        cluster.insertRows(30);
        pg.execute("postgres", "INSERT INTO filler SELECT g, md5(g::text) FROM generate_series(1, 20000) g");
        cluster.insertRows(30);
        Thread.sleep(2500); // at least one .streaming store of the segment being received
        receiver.kill();
        String restart = cluster.slotRestartLsn();
        String restartSegment = cluster.query("SELECT pg_walfile_name('" + restart + "'::pg_lsn + 1)");
        // Everything the slot no longer keeps is in the repository, and the segment being received
        // only as its .streaming copy.
        String oldest = cluster.oldestStoredSegment();
        List<String> before = segmentsFrom(oldest, restartSegment);
        for (String s : before.subList(0, before.size() - 1)) {
            assertThat(cluster.storedNames()).as("segment %s before the slot's restart_lsn %s", s, restart).contains(s);
        }
        assertThat(cluster.storedNames()).doesNotContain(restartSegment).contains(restartSegment + ".streaming");
        JsonNode status = lifeboat("wal", "status", "--json").assertSuccess().json().path("systems").get(0);
        // The receiver tells the server what is stored, then records it in its status: a kill between
        // the two leaves the status one acknowledgement behind the slot, never ahead of it.
        String recorded = status.path("receiver").path("flushed_lsn").asText();
        assertThat(recorded).matches("[0-9A-F]+/[0-9A-F]+");
        assertThat(compareLsn(recorded, restart)).as("status %s, slot %s", recorded, restart).isLessThanOrEqualTo(0);
        cluster.insertRows(30);
        String last = cluster.walFile("pg_switch_wal()");
        String until = currentLsn();
        CliResult resumed = lifeboat("wal", "receive", "--url", pg.url("postgres"), "--spool", spool.toString(),
                "--until-lsn", until, "--json").assertSuccess();
        JsonNode r = resumed.json();
        // The slot's restart_lsn is the received position acknowledged after the last .streaming
        // store: the receiver streams again from the start of the segment holding it.
        assertThat(r.path("start_lsn").asText()).isEqualTo(cluster.query("SELECT ('" + restart + "'::pg_lsn - (('" + restart
                + "'::pg_lsn - '0/0'::pg_lsn) % " + SEGMENT + "))::text"));
        assertThat(r.path("segments_stored").asLong()).isGreaterThanOrEqualTo(1);
        compareWithServer(restartSegment, last);
        assertThat(cluster.storedNames()).doesNotContain(restartSegment + ".streaming");
        assertThat(compareLsn(cluster.slotRestartLsn(), restart)).isPositive();
        assertThat(cluster.query("SELECT pg_walfile_name('" + cluster.slotRestartLsn() + "')")).isGreaterThanOrEqualTo(last);
    }

    @Test
    @Order(4)
    void pointInTimeRecoveryFromStreamedWalOnly() throws Exception {
        int k = cluster.rows() - 40;
        assertThat(cluster.restoredRows("complete", cluster.lsnAfterRow(k))).isEqualTo(range(k));
    }

    /** The target lies in the segment still being received: only its .streaming copy holds it. */
    @Test
    @Order(5)
    void recoveryReachesWalThatOnlyTheStreamingCopyHolds() throws Exception {
        receiver = startReceiver("--partial-interval", "1s");
        receiver.awaitOutput("receiving WAL of system");
        cluster.insertRows(40);
        int m = cluster.rows() - 10;
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
        assertThat(cluster.storedNames()).doesNotContain(walFileOf(end)).contains(walFileOf(end) + ".streaming");
        assertThat(cluster.restoredRows("streaming", cluster.lsnAfterRow(m))).isEqualTo(range(m));
    }

    @Test
    @Order(6)
    void anotherSystemIsRefusedWithoutCreatingASlotThere() throws Exception {
        try (PgCluster other = PgCluster.start(Map.of("wal_level", "replica"))) {
            CliResult r = cluster.lifeboatWithPassword(other.password(), "wal", "receive", "--url", other.url("postgres"),
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
        Process start = PostgresOsSupport.runAs(List.of(pg.bin().resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
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
            assertThat(cluster.storedNames()).contains("00000002.history", last);
            Path history = data.resolve("pg_wal").resolve("00000002.history");
            byte[] fetched = cluster.fetchWithCli("00000002.history");
            assertThat(fetched).isEqualTo(Files.readAllBytes(history));
            assertThat(cluster.fetchWithCli(last)).isEqualTo(Files.readAllBytes(data.resolve("pg_wal").resolve(last)));
        } finally {
            Process stop = PostgresOsSupport.runAs(List.of(pg.bin().resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate",
                    "-w", "-s", "stop"), Map.of());
            stop.getInputStream().readAllBytes();
            stop.waitFor(2, TimeUnit.MINUTES);
        }
    }

    /** 'wal receive' from the cluster in the background, with {@code extra} arguments. */
    private BackgroundCli startReceiver(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("wal", "receive", "--url", pg.url("postgres"), "--spool",
                spool.toString()));
        args.addAll(List.of(extra));
        return BackgroundCli.start("receiver", cluster, args);
    }

    private String walFileOf(String lsn) throws SQLException {
        return cluster.query("SELECT pg_walfile_name('" + lsn + "'::pg_lsn - 1)");
    }

    private String currentLsn() throws SQLException {
        return cluster.query("SELECT pg_current_wal_lsn()::text");
    }

    private int compareLsn(String a, String b) throws SQLException {
        return Integer.signum(Integer.parseInt(cluster.query("SELECT sign('" + a + "'::pg_lsn - '" + b + "'::pg_lsn)::int")));
    }

    /** Every segment from first to last as 'wal fetch' (restore_command) serves it, against pg_wal. */
    private List<String> compareWithServer(String first, String last) throws Exception {
        return cluster.compareWithServer(first, last, cluster::fetchWithCli);
    }

    private CliResult lifeboat(String... args) throws Exception {
        return cluster.lifeboat(args);
    }
}
