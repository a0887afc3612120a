package io.lifeboat.cli;

import static io.lifeboat.cli.PostgresOsSupport.asPostgres;
import static io.lifeboat.cli.PostgresOsSupport.awaitPromotion;
import static io.lifeboat.cli.PostgresOsSupport.chown;
import static io.lifeboat.cli.PostgresOsSupport.deleteTree;
import static io.lifeboat.cli.PostgresOsSupport.finish;
import static io.lifeboat.cli.PostgresOsSupport.freePort;
import static io.lifeboat.cli.PostgresOsSupport.jar;
import static io.lifeboat.cli.PostgresOsSupport.runAs;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.source.postgres.PgConnectionConfig;
import io.lifeboat.source.postgres.PgPassword;
import io.lifeboat.source.postgres.RecoveryVerification;
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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * Physical backups, WAL archiving and point-in-time recovery on a real cluster whose
 * {@code archive_command} is {@code lifeboat wal push} run by the server as its OS user. Every
 * CLI call runs as that user too (as it would on a database host), so the repository and the
 * password file belong to it.
 *
 * <p>One base backup, then a row with its commit timestamp ({@code track_commit_timestamp}) about
 * every 100 ms for 20 s, with a named restore point in the middle. Each restore recovers into a
 * new data directory, starts it and compares the rows with those committed up to the target.
 * Then: a second base backup deduplicates against the first; another system, conflicting and
 * repeated pushes, and a backup whose WAL never arrives are refused with the right exit codes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresPitrIT {
    private static final String PASSWORD = "pitr test password";
    private static final Duration LOAD = Duration.ofSeconds(20);
    private static final String RESTORE_POINT = "lifeboat_it_point";

    private Path work;
    private Path repo;
    private Path passwordFile;
    private PgCluster pg;
    /** Row id → commit timestamp as PostgreSQL prints it (UTC). */
    private final Map<Integer, String> committed = new LinkedHashMap<>();
    private final List<Integer> beforeRestorePoint = new ArrayList<>();

    @BeforeAll
    void setUp() throws Exception {
        work = Files.createTempDirectory("lifeboat-pitr-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        repo = work.resolve("repo");
        passwordFile = work.resolve("password");
        Files.writeString(passwordFile, PASSWORD + "\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        chown(work);
        chown(passwordFile);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String archive = java + " -jar " + jar() + " wal push --quiet --repo " + repo + " --password-file " + passwordFile + " %p";
        pg = PgCluster.start(Map.of("archive_mode", "on", "archive_command", archive, "track_commit_timestamp", "on"));
        lifeboat("init").assertSuccess();
        pg.execute("postgres", "CREATE TABLE marks (id int PRIMARY KEY, note text)",
                "CREATE TABLE filler AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 50000) g",
                // Set hint bits and freeze now: otherwise the first vacuum after the backup rewrites
                // every page of the table, and the second backup's deduplication tests nothing.
                "VACUUM (FREEZE, ANALYZE) filler", "CHECKPOINT");
        JsonNode base = lifeboat("backup", "postgres", "--mode", "physical", "--url", pg.url("postgres"), "--json")
                .assertSuccess().json().path("snapshot");
        System.out.printf("PostgresPitrIT: base backup %s%n", base.path("stats"));
        load();
    }

    /** A row about every 100 ms, each its own transaction; a restore point halfway. */
    private void load() throws SQLException, InterruptedException {
        Random random = new Random(5);
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
            st.execute("SET TIME ZONE 'UTC'");
            Instant end = Instant.now().plus(LOAD);
            boolean pointMade = false;
            for (int id = 1; Instant.now().isBefore(end); id++) {
                st.execute("INSERT INTO marks VALUES (" + id + ", 'row " + id + "')");
                if (!pointMade && Instant.now().isAfter(end.minus(LOAD.dividedBy(2)))) {
                    for (int i = 1; i <= id; i++) {
                        beforeRestorePoint.add(i);
                    }
                    st.execute("SELECT pg_create_restore_point('" + RESTORE_POINT + "')");
                    pointMade = true;
                }
                Thread.sleep(80 + random.nextInt(40));
            }
            try (ResultSet rs = st.executeQuery(
                    "SELECT id, pg_xact_commit_timestamp(xmin)::text FROM marks ORDER BY id")) {
                while (rs.next()) {
                    committed.put(rs.getInt(1), rs.getString(2));
                }
            }
            String last;
            try (ResultSet rs = st.executeQuery("SELECT pg_walfile_name(pg_switch_wal())")) {
                rs.next();
                last = rs.getString(1);
            }
            awaitArchived(st, last);
        }
        System.out.printf("PostgresPitrIT: %d rows in %s, restore point after row %d%n", committed.size(), LOAD,
                beforeRestorePoint.getLast());
    }

    private static void awaitArchived(Statement st, String segment) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            try (ResultSet rs = st.executeQuery("SELECT coalesce(last_archived_wal, '') >= '" + segment
                    + "', failed_count FROM pg_stat_archiver")) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("segment " + segment + " was not archived within 120 s");
    }

    @AfterAll
    void tearDown() {
        if (pg != null) {
            pg.close();
        }
        deleteTree(work);
    }

    @Test
    @Order(1)
    void recoveryToATimeHasExactlyTheRowsCommittedUpToIt() throws Exception {
        int k = committed.size() * 2 / 3;
        String t = committed.get(k);
        List<Integer> expected = committed.keySet().stream().filter(id -> id <= k).toList();
        assertThat(restoredRows("time-inclusive", "--target-time", t)).isEqualTo(expected);
    }

    @Test
    @Order(2)
    void exclusiveRecoveryStopsJustBeforeTheTargetTransaction() throws Exception {
        int k = committed.size() / 3;
        List<Integer> expected = committed.keySet().stream().filter(id -> id < k).toList();
        assertThat(restoredRows("time-exclusive", "--target-time", committed.get(k), "--target-exclusive"))
                .isEqualTo(expected);
    }

    @Test
    @Order(3)
    void recoveryToANamedRestorePointHasTheRowsCommittedBeforeIt() throws Exception {
        assertThat(restoredRows("name", "--target-name", RESTORE_POINT)).isEqualTo(beforeRestorePoint);
    }

    /** After the restores: a second base backup would be picked for --target-name otherwise. */
    @Test
    @Order(4)
    void secondBaseBackupStoresOnlyChangedChunksAndHoldsLabelAndManifest() throws Exception {
        JsonNode second = lifeboat("backup", "postgres", "--mode", "physical", "--url", pg.url("postgres"), "--json")
                .assertSuccess().json().path("snapshot");
        long read = second.path("stats").path("bytes_read").asLong();
        long added = second.path("stats").path("bytes_added").asLong();
        System.out.printf("PostgresPitrIT: second base backup added %d of %d bytes (%.1f%%)%n", added, read, 100.0 * added / read);
        // Without page-aligned deduplication every byte would be new. Measured 17.7%: a manual
        // run of the same steps showed the 3.4 MB filler table stored again because PostgreSQL
        // set PD_ALL_VISIBLE in every page header between the backups (one byte per page,
        // despite the VACUUM FREEZE above), plus ~0.9 MB of catalogs, marks and control files.
        assertThat(read).isGreaterThan(20_000_000L);
        assertThat(added).isLessThan(read / 4);
        JsonNode md = second.path("metadata");
        assertThat(md.path("timeline").asInt()).isEqualTo(1);
        assertThat(md.path("backup_label").asText()).contains("START WAL LOCATION: " + md.path("start_lsn").asText());
        assertThat(md.path("stop_wal_file").asText()).isGreaterThanOrEqualTo(md.path("start_wal_file").asText());
        JsonNode top = lifeboat("ls", second.path("id").asText(), "--json").assertSuccess().json();
        List<String> names = new ArrayList<>();
        top.forEach(n -> names.add(n.path("name").asText()));
        assertThat(names).contains("backup_label", "backup_manifest", "PG_VERSION", "base", "global", "pg_wal");
        // A temporary slot held the WAL, pg_basebackup fetched it, and the WAL files it sent were
        // left out: the archive holds them.
        assertThat(md.path("pg_basebackup_wal_method").asText()).isEqualTo("fetch");
        assertThat(walFilesIn(second.path("id").asText())).isEmpty();
        assertThat(scalar("SELECT count(*) FROM pg_replication_slots")).isEqualTo("0");
    }

    private String scalar(String sql) throws SQLException {
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Regular files anywhere under pg_wal/ of a snapshot. */
    private List<String> walFilesIn(String snapshot) throws IOException, InterruptedException {
        List<String> files = new ArrayList<>();
        lifeboat("ls", snapshot, "/pg_wal", "--recursive", "--json").assertSuccess().json().forEach(n -> {
            if (n.path("type").asText().equals("file")) {
                files.add(n.path("path").asText());
            }
        });
        return files;
    }

    /**
     * With every replication slot taken, no WAL can be reserved: pg_basebackup runs with -X none,
     * the server waits for the archive, and the backup is as good (restored by later tests).
     */
    @Test
    @Order(13)
    void baseBackupWithoutAFreeReplicationSlotLetsTheServerWaitForTheArchive() throws Exception {
        int free = Integer.parseInt(scalar("SELECT current_setting('max_replication_slots')::int"
                + " - (SELECT count(*) FROM pg_replication_slots)"));
        List<String> taken = new ArrayList<>();
        try {
            for (int i = 0; i < free; i++) {
                // Not reserving WAL: they hold nothing back, they only take the slots.
                pg.execute("postgres", "SELECT pg_create_physical_replication_slot('it_taken_" + i + "', false, false)");
                taken.add("it_taken_" + i);
            }
            JsonNode s = lifeboat("backup", "postgres", "--mode", "physical", "--url", pg.url("postgres"), "--json")
                    .assertSuccess().json().path("snapshot");
            assertThat(s.path("metadata").path("pg_basebackup_wal_method").asText()).isEqualTo("none");
            assertThat(walFilesIn(s.path("id").asText())).isEmpty();
        } finally {
            for (String slot : taken) {
                pg.execute("postgres", "SELECT pg_drop_replication_slot('" + slot + "')");
            }
        }
        assertThat(lifeboat("check").assertSuccess().stdout()).doesNotContain("gap");
    }

    @Test
    @Order(5)
    void baseBackupOfAnotherSystemIsRefused() throws Exception {
        try (PgCluster other = PgCluster.start(Map.of("archive_mode", "on", "archive_command", "/bin/true"))) {
            CliResult r = lifeboatWithPassword(other.password(), "backup", "postgres", "--mode", "physical", "--url",
                    other.url("postgres")).assertExitCode(18);
            assertThat(r.stderr()).contains("holds WAL and base backups of PostgreSQL system").contains("its own repository");
        }
    }

    @Test
    @Order(6)
    void walPushIsIdempotentAndRefusesDifferentContent() throws Exception {
        JsonNode status = lifeboat("wal", "status", "--json").assertSuccess().json().path("systems").get(0);
        String segment = status.path("last_segment").asText();
        assertThat(segment).matches("[0-9A-F]{24}");
        Path dir = work.resolve("push");
        Files.createDirectories(dir.resolve("pg_wal"));
        chown(dir);
        chown(dir.resolve("pg_wal"));
        Path file = dir.resolve("pg_wal").resolve(segment);
        lifeboat("wal", "fetch", segment, file.toString()).assertSuccess();
        chown(file);
        assertThat(lifeboat("wal", "push", file.toString()).assertSuccess().stdout()).contains("already archived (identical)");
        byte[] changed = Files.readAllBytes(file);
        changed[changed.length - 100] ^= 1;
        Files.write(file, changed);
        CliResult conflict = lifeboat("wal", "push", file.toString()).assertExitCode(15);
        assertThat(conflict.stderr()).contains(segment).contains("different content");

        CliResult missing = lifeboat("wal", "fetch", "0000000100000000000000FE", dir.resolve("pg_wal/RECOVERYXLOG").toString())
                .assertExitCode(13);
        assertThat(missing.stderr()).isEmpty();
        assertThat(missing.stdout()).isEmpty();
    }

    /** A WAL object deleted from storage: check fails naming it, in text and JSON, and passes once it is back. */
    @Test
    @Order(7)
    void checkFailsNamingAMissingWalSegment() throws Exception {
        JsonNode ok = lifeboat("check", "--json").assertSuccess().json();
        assertThat(ok.path("ok").asBoolean()).isTrue();
        assertThat(ok.path("wal_files").asInt()).isGreaterThan(3);
        String oldestStart = "~";
        for (JsonNode s : lifeboat("snapshots", "--json").assertSuccess().json()) {
            String start = s.path("metadata").path("start_wal_file").asText();
            oldestStart = start.compareTo(oldestStart) < 0 ? start : oldestStart;
        }
        String from = oldestStart;
        List<Path> segments = walObjects().stream().filter(p -> p.getFileName().toString().matches("[0-9A-F]{24}"))
                .filter(p -> p.getFileName().toString().compareTo(from) > 0).toList();
        assertThat(segments).hasSizeGreaterThan(2);
        Path victim = segments.get(0);
        String name = victim.getFileName().toString();
        Path aside = work.resolve(name + ".aside");
        Files.move(victim, aside);
        try {
            CliResult text = lifeboat("check").assertExitCode(14);
            assertThat(text.stdout()).contains("damaged: wal/").contains("WAL segment " + name + " is missing");
            assertThat(text.stderr()).contains("hint: ").contains("wal push").contains("new base backup");
            JsonNode json = lifeboat("check", "--json").assertExitCode(14).json();
            assertThat(json.path("ok").asBoolean()).isFalse();
            assertThat(json.path("problems")).singleElement().satisfies(p -> {
                assertThat(p.path("object").asText()).isEqualTo(repo.relativize(victim).toString());
                assertThat(p.path("message").asText()).contains(name);
                assertThat(p.path("affected_snapshots")).isNotEmpty();
            });
        } finally {
            Files.move(aside, victim);
        }
        assertThat(lifeboat("check", "--json").assertSuccess().json().path("ok").asBoolean()).isTrue();
    }

    /**
     * Timelines: a cluster restored and promoted archives 00000002.history and its new timeline
     * through the same archive_command; it is backed up again; recovery to a time on timeline 2
     * works from the timeline-1 base backup (following the history file) and from the new one.
     */
    @Test
    @Order(11)
    void recoveryFollowsAPromotedClustersNewTimeline() throws Exception {
        Path data = work.resolve("timeline-2");
        int port = freePort();
        CliResult restore = lifeboat("restore", "postgres", "--data-dir", data.toString(), "--target", "immediate",
                "--start", "--port", Integer.toString(port), "--start-timeout", "3m", "--json").assertSuccess();
        assertThat(restore.json().path("started").path("timeline").asInt()).isEqualTo(2);
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        Map<Integer, String> rows = new LinkedHashMap<>();
        try {
            try (Connection c = DriverManager.getConnection(url, PgCluster.SUPERUSER, pg.password());
                    Statement st = c.createStatement()) {
                st.execute("SET TIME ZONE 'UTC'");
                st.execute("CREATE TABLE tl2 (id int PRIMARY KEY)");
                for (int id = 1; id <= 30; id++) {
                    st.execute("INSERT INTO tl2 VALUES (" + id + ")");
                    Thread.sleep(50);
                }
                JsonNode third = lifeboat("backup", "postgres", "--mode", "physical", "--url",
                        pg.url("postgres").replace(":" + pg.port() + "/", ":" + port + "/"), "--json")
                        .assertSuccess().json().path("snapshot");
                assertThat(third.path("metadata").path("timeline").asInt()).isEqualTo(2);
                assertThat(third.path("metadata").path("start_wal_file").asText()).startsWith("00000002");
                for (int id = 31; id <= 60; id++) {
                    st.execute("INSERT INTO tl2 VALUES (" + id + ")");
                    Thread.sleep(50);
                }
                try (ResultSet rs = st.executeQuery("SELECT id, pg_xact_commit_timestamp(xmin)::text FROM tl2 ORDER BY id")) {
                    while (rs.next()) {
                        rows.put(rs.getInt(1), rs.getString(2));
                    }
                }
                String last;
                try (ResultSet rs = st.executeQuery("SELECT pg_walfile_name(pg_switch_wal())")) {
                    rs.next();
                    last = rs.getString(1);
                }
                assertThat(last).startsWith("00000002");
                awaitArchived(st, last);
            }
        } finally {
            asPostgres(List.of(pg.bin().resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "-s", "stop"));
        }
        assertThat(walObjects()).anySatisfy(p -> assertThat(p.toString()).endsWith("/00000002/00000002.history"));
        // Before the timeline-2 backup: the newest base backup before it is on timeline 1.
        assertThat(restoredRows("timeline-2-early", "SELECT id FROM tl2 ORDER BY id", 3, "--target-time", rows.get(15)))
                .isEqualTo(rows.keySet().stream().filter(id -> id <= 15).toList());
        assertThat(restoredRows("timeline-2-late", "SELECT id FROM tl2 ORDER BY id", 3, "--target-time", rows.get(45)))
                .isEqualTo(rows.keySet().stream().filter(id -> id <= 45).toList());
    }

    /**
     * Retention of WAL: prune deletes the WAL older than the oldest remaining base backup, a held
     * base backup counts as remaining, a dry run only lists, and .history files stay.
     */
    @Test
    @Order(12)
    void pruneRemovesWalOlderThanTheOldestRemainingBaseBackup() throws Exception {
        JsonNode snapshots = lifeboat("snapshots", "--json").assertSuccess().json();
        List<JsonNode> physical = new ArrayList<>();
        snapshots.forEach(physical::add);
        physical.sort(Comparator.comparing(n -> Instant.parse(n.path("time").asText())));
        String first = physical.get(0).path("id").asText();
        String firstStart = physical.get(0).path("metadata").path("start_wal_file").asText();
        assertThat(firstStart).startsWith("00000001");
        // keep-last 1 keeps the newest of each series: one per server (port).
        Map<String, JsonNode> newestPerServer = new LinkedHashMap<>();
        physical.forEach(n -> newestPerServer.put(n.path("metadata").path("port").asText(), n));
        assertThat(newestPerServer).hasSize(2);
        String keepFrom = newestPerServer.values().stream()
                .map(n -> n.path("metadata").path("start_wal_file").asText().substring(8)).min(Comparator.naturalOrder())
                .orElseThrow();
        assertThat(keepFrom).isGreaterThan(firstStart.substring(8));

        lifeboat("hold", first, "--reason", "pitr test").assertSuccess();
        JsonNode held = lifeboat("forget", "--keep-last", "1", "--prune", "--dry-run", "--json").assertSuccess().json();
        assertThat(walNames(held.path("prune").path("wal_deleted"))).allSatisfy(n -> assertThat(n).isLessThan(firstStart));
        lifeboat("release", first).assertSuccess();

        List<Path> before = walObjects();
        List<String> expected = before.stream().map(p -> p.getFileName().toString())
                .filter(n -> !n.endsWith(".history") && n.substring(8, 24).compareTo(keepFrom) < 0).sorted().toList();
        assertThat(expected).isNotEmpty().anySatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(firstStart));
        JsonNode dry = lifeboat("forget", "--keep-last", "1", "--prune", "--dry-run", "--json").assertSuccess().json();
        assertThat(walNames(dry.path("prune").path("wal_deleted"))).containsExactlyElementsOf(expected);
        assertThat(walObjects()).isEqualTo(before);

        CliResult real = lifeboat("forget", "--keep-last", "1", "--prune");
        real.assertSuccess();
        assertThat(real.stdout()).contains("deleted " + expected.size() + " WAL file(s)");
        List<String> after = walObjects().stream().map(p -> p.getFileName().toString()).toList();
        assertThat(after).doesNotContainAnyElementsOf(expected).contains("00000002.history")
                .hasSize(before.size() - expected.size());
        assertThat(lifeboat("snapshots", "--json").assertSuccess().json()).hasSize(newestPerServer.size());
        assertThat(lifeboat("check", "--json").assertSuccess().json().path("ok").asBoolean()).isTrue();
        System.out.printf("PostgresPitrIT: prune removed %d WAL files before segment position %s%n", expected.size(), keepFrom);
    }

    private static List<String> walNames(JsonNode paths) {
        List<String> out = new ArrayList<>();
        paths.forEach(p -> out.add(p.asText().substring(p.asText().lastIndexOf('/') + 1)));
        return out.stream().sorted().toList();
    }

    /** Every WAL object in the repository's storage, sorted. */
    private List<Path> walObjects() throws IOException {
        try (Stream<Path> s = Files.walk(repo.resolve("wal"))) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /**
     * Backups under load: pgbench writes while the base backup is taken and its WAL archived; the
     * cluster recovered to the end of the archive passes amcheck (the restore's verification) and
     * its balances add up: sum(abalance) = sum(delta) of pgbench_history, as on the source.
     */
    @Test
    @Order(8)
    void baseBackupTakenUnderPgbenchLoadRestoresAndPassesAmcheck() throws Exception {
        pgbench("-i", "-q", "-s", "2");
        long start = System.nanoTime();
        // Long enough to outlast the base backup on a busy machine (14-22 s measured, plus the 3 s head start).
        Process load = pgbenchProcess("-c", "2", "-j", "2", "-T", "40", "-n");
        Thread.sleep(3000);
        JsonNode backup = lifeboat("backup", "postgres", "--mode", "physical", "--url", pg.url("postgres"), "--json")
                .assertSuccess().json().path("snapshot");
        boolean underLoad = load.isAlive();
        String pgbenchOut = new String(load.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(underLoad).as("pgbench still running after the base backup: " + pgbenchOut).isTrue();
        assertThat(load.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(load.exitValue()).as(pgbenchOut).isZero();
        String tps = pgbenchOut.lines().filter(l -> l.startsWith("tps")).findFirst().orElse("");
        long[] source;
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
            source = balances(st);
            String last;
            try (ResultSet rs = st.executeQuery("SELECT pg_walfile_name(pg_switch_wal())")) {
                rs.next();
                last = rs.getString(1);
            }
            awaitArchived(st, last);
        }
        assertThat(source[0]).isEqualTo(source[1]);
        assertThat(source[2]).as("pgbench transactions").isGreaterThan(100);
        Path data = work.resolve("restored-load");
        int port = freePort();
        try {
            CliResult restore = lifeboat("restore", "postgres", "--data-dir", data.toString(), "--no-archive", "--start",
                    "--port", Integer.toString(port), "--start-timeout", "3m", "--json").assertSuccess();
            assertThat(restore.json().path("snapshot").asText()).isEqualTo(backup.path("id").asText());
            JsonNode v = restore.json().path("verification");
            assertThat(v.path("ok").asBoolean()).as(v.toString()).isTrue();
            assertThat(v.path("pg_verifybackup").path("ran").asBoolean()).as(v.toString()).isTrue();
            assertThat(v.path("indexes_checked").asInt()).isGreaterThan(100);
            assertThat(v.path("amcheck").toString()).contains("\"database\":\"postgres\"");
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                    PgCluster.SUPERUSER, pg.password()); Statement st = c.createStatement()) {
                assertThat(balances(st)).isEqualTo(source);
            }
            System.out.printf("PostgresPitrIT: under pgbench load (%s): base backup %s, %d transactions, restore with "
                    + "verification %.1fs (verification %d ms, %d indexes checked), test %.1fs%n", tps, backup.path("stats"),
                    source[2], restore.seconds(), v.path("duration_ms").asLong(), v.path("indexes_checked").asInt(),
                    (System.nanoTime() - start) / 1e9);
        } finally {
            stop(data);
        }
    }

    /**
     * Verification must be able to fail: a byte changed in a restored relation file is found by
     * pg_verifybackup (against the backup's manifest), and two index entries swapped in a restored,
     * started cluster are found by amcheck, which names the index.
     */
    @Test
    @Order(9)
    void verificationFindsAChangedFileAndABrokenIndex() throws Exception {
        String fillerFile;
        String indexFile;
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_relation_filepath('filler'), pg_relation_filepath('marks_pkey')")) {
            rs.next();
            fillerFile = rs.getString(1);
            indexFile = rs.getString(2);
        }
        Path files = work.resolve("restored-damaged-file");
        lifeboat("restore", "postgres", "--data-dir", files.toString(), "--no-archive").assertSuccess();
        assertThat(RecoveryVerification.verifyFiles(pg.bin(), files).ok()).as("the intact restore verifies").isTrue();
        flipByte(files.resolve(fillerFile), 8192 + 4000);
        RecoveryVerification.FileCheck damaged = RecoveryVerification.verifyFiles(pg.bin(), files);
        assertThat(damaged.ran()).isTrue();
        assertThat(damaged.ok()).isFalse();
        assertThat(damaged.detail()).contains(fillerFile);
        deleteTree(files);

        Path data = work.resolve("restored-broken-index");
        int port = freePort();
        try {
            lifeboat("restore", "postgres", "--data-dir", data.toString(), "--no-archive", "--start", "--port",
                    Integer.toString(port), "--start-timeout", "3m").assertSuccess();
            PgConnectionConfig restored = new PgConnectionConfig("127.0.0.1", port, PgCluster.SUPERUSER, "postgres", Map.of());
            PgPassword password = PgPassword.of(pg.password());
            assertThat(RecoveryVerification.verifyServer(restored, password).ok()).as("the intact cluster verifies").isTrue();
            stop(data, "fast");
            swapFirstTwoLeafKeys(data.resolve(indexFile));
            asPostgres(List.of(pg.bin().resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
                    data.resolve("restarted.log").toString(), "-w", "-s", "-o", "-p " + port, "start"));
            RecoveryVerification.Server broken = RecoveryVerification.verifyServer(restored, password);
            assertThat(broken.ok()).isFalse();
            assertThat(broken.amcheck()).flatExtracting(RecoveryVerification.DatabaseCheck::errors)
                    .anySatisfy(e -> assertThat(e).contains("marks_pkey"));
        } finally {
            stop(data);
        }
    }

    private static void flipByte(Path file, long offset) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.put(0, (byte) (b.get(0) ^ 0x5a)).rewind();
            ch.write(b, offset);
        }
    }

    /**
     * Swaps the int4 keys of the first two items of block 1 of a B-tree index, the only leaf of a
     * small index: item order is then violated, which bt_index_check reports. Page layout: line
     * pointers from byte 24, each a little-endian word of offset (15 bits), flags (2) and length
     * (15); an index tuple is its 6-byte heap pointer and 2-byte info, then the key.
     */
    private static void swapFirstTwoLeafKeys(Path indexFile) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(indexFile, java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer page = java.nio.ByteBuffer.allocate(8192).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            assertThat(ch.read(page, 8192)).isEqualTo(8192);
            int first = page.getInt(24) & 0x7fff;
            int second = page.getInt(28) & 0x7fff;
            int a = page.getInt(first + 8);
            int b = page.getInt(second + 8);
            assertThat(a).as("the first two keys of the leaf").isLessThan(b);
            page.putInt(first + 8, b).putInt(second + 8, a).rewind();
            ch.write(page, 8192);
        }
    }

    /**
     * Named restore points: pg_dumpall of the source taken at a restore point (writes stopped)
     * equals pg_dumpall of the cluster recovered to that point, while writes went on after it.
     */
    @Test
    @Order(10)
    void dumpOfTheClusterRecoveredToARestorePointEqualsTheSourcesDumpAtThatPoint() throws Exception {
        String point = "lifeboat_dumpall_point";
        String atPoint;
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
            st.execute("INSERT INTO marks SELECT g, 'before point' FROM generate_series(100001, 100100) g");
            st.execute("SELECT pg_create_restore_point('" + point + "')");
            atPoint = dumpall(pg.port());
            st.execute("INSERT INTO marks SELECT g, 'after point' FROM generate_series(100101, 100200) g");
            st.execute("UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid % 7 = 0");
            st.execute("CREATE TABLE after_point (id int)");
            String last;
            try (ResultSet rs = st.executeQuery("SELECT pg_walfile_name(pg_switch_wal())")) {
                rs.next();
                last = rs.getString(1);
            }
            awaitArchived(st, last);
        }
        assertThat(dumpall(pg.port())).isNotEqualTo(atPoint);
        Path data = work.resolve("restored-dumpall");
        int port = freePort();
        try {
            // --no-verify: amcheck would add its extension, which the source's dump does not have.
            lifeboat("restore", "postgres", "--data-dir", data.toString(), "--no-archive", "--start", "--no-verify",
                    "--port", Integer.toString(port), "--start-timeout", "3m", "--target-name", point).assertSuccess();
            String recovered = dumpall(port);
            assertThat(recovered).contains("before point").doesNotContain("after point").isEqualTo(atPoint);
            System.out.printf("PostgresPitrIT: pg_dumpall at the restore point: %d bytes, equal%n", atPoint.length());
        } finally {
            stop(data);
        }
    }

    /** {@code sum(abalance)} of pgbench_accounts, {@code sum(delta)} of pgbench_history, and its row count. */
    private static long[] balances(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT (SELECT sum(abalance) FROM pgbench_accounts), "
                + "(SELECT coalesce(sum(delta), 0) FROM pgbench_history), (SELECT count(*) FROM pgbench_history)")) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
        }
    }

    private String dumpall(int port) throws IOException, InterruptedException {
        Process p = client("pg_dumpall", port);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("pg_dumpall on port " + port).isZero();
        // pg_dump 15.14 and later fence each dump with a random \restrict key: the only part that differs by run.
        return out.replaceAll("(?m)^\\\\(un)?restrict \\S+$", "\\\\$1restrict KEY");
    }

    private void pgbench(String... args) throws IOException, InterruptedException {
        Process p = pgbenchProcess(args);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("pgbench " + String.join(" ", args) + ": " + out).isZero();
    }

    private Process pgbenchProcess(String... args) throws IOException {
        List<String> extra = new ArrayList<>(List.of(args));
        extra.add("postgres");
        return client("pgbench", pg.port(), extra.toArray(String[]::new));
    }

    /** A client program of the cluster's version against 127.0.0.1:port, the password in the environment. */
    private Process client(String program, int port, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(pg.bin().resolve(program).toString(), "-h", "127.0.0.1", "-p",
                Integer.toString(port), "-U", PgCluster.SUPERUSER));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
        pb.environment().put("PGPASSWORD", pg.password());
        return pb.start();
    }

    private void stop(Path data) throws IOException, InterruptedException {
        stop(data, "immediate");
    }

    private void stop(Path data, String mode) throws IOException, InterruptedException {
        if (Files.exists(data.resolve("postmaster.pid"))) {
            asPostgres(List.of(pg.bin().resolve("pg_ctl").toString(), "-D", data.toString(), "-m", mode, "-w", "-s", "stop"));
        }
    }

    /** Last: it breaks the archive (segments dropped by /bin/true). */
    @Test
    @Order(14)
    void baseBackupWhoseWalIsNotArchivedFailsNamingTheSegment() throws Exception {
        int before = lifeboat("snapshots", "--json").assertSuccess().json().size();
        pg.execute("postgres", "ALTER SYSTEM SET archive_command = '/bin/true'", "SELECT pg_reload_conf()");
        Thread.sleep(500);
        CliResult r = lifeboat("backup", "postgres", "--mode", "physical", "--url", pg.url("postgres"),
                "--wal-timeout", "5s").assertExitCode(17);
        assertThat(r.stderr()).containsPattern("WAL segment [0-9A-F]{24} did not reach the repository")
                .contains("archive_command").contains("/bin/true");
        assertThat(lifeboat("snapshots", "--json").assertSuccess().json()).hasSize(before);
    }

    /**
     * A failing archive_command makes the server wait at pg_backup_stop with the stream silent:
     * Lifeboat gives up after --wal-timeout instead of hanging, naming the segment.
     */
    @Test
    @Order(15)
    void baseBackupWhoseWalArchivingFailsGivesUpNamingTheSegment() throws Exception {
        int before = lifeboat("snapshots", "--json").assertSuccess().json().size();
        pg.execute("postgres", "ALTER SYSTEM SET archive_command = '/bin/false'", "SELECT pg_reload_conf()");
        Thread.sleep(500);
        long start = System.nanoTime();
        CliResult r = lifeboat("backup", "postgres", "--mode", "physical", "--url", pg.url("postgres"),
                "--wal-timeout", "5s").assertExitCode(17);
        assertThat(r.stderr()).containsPattern("WAL segment [0-9A-F]{24} did not reach the repository")
                .contains("/bin/false");
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(60);
        assertThat(lifeboat("snapshots", "--json").assertSuccess().json()).hasSize(before);
    }

    /** Restores into a new data directory, starts it, waits for promotion, returns the marks ids. */
    private List<Integer> restoredRows(String name, String... target) throws Exception {
        return restoredRows(name, "SELECT id FROM marks ORDER BY id", 2, target);
    }

    /**
     * Restores into a new data directory, starts it, waits for promotion to {@code timeline},
     * returns the ids {@code query} selects.
     */
    private List<Integer> restoredRows(String name, String query, int timeline, String... target) throws Exception {
        Path data = work.resolve("restored-" + name);
        int port = freePort();
        // The restored server must not archive into the repository of the original.
        List<String> args = new ArrayList<>(List.of("restore", "postgres", "--data-dir", data.toString(),
                "--no-archive", "--start", "--port", Integer.toString(port), "--start-timeout", "3m", "--json"));
        args.addAll(List.of(target));
        Path bin = pg.bin();
        long start = System.nanoTime();
        try {
            CliResult restore = lifeboat(args.toArray(String[]::new)).assertSuccess();
            JsonNode started = restore.json().path("started");
            assertThat(started.path("state").asText()).isEqualTo("in production");
            assertThat(started.path("timeline").asInt()).isEqualTo(timeline);
            JsonNode verified = restore.json().path("verification");
            assertThat(verified.path("ok").asBoolean()).as(verified.toString()).isTrue();
            assertThat(verified.path("pg_verifybackup").path("ran").asBoolean()).as(verified.toString()).isTrue();
            assertThat(verified.path("indexes_checked").asInt()).isGreaterThan(100);
            System.out.printf("PostgresPitrIT: %s restore and recovery %.1fs (recovery %d ms)%n", name, restore.seconds(),
                    started.path("recovery_ms").asLong());
            String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
            try (Connection c = DriverManager.getConnection(url, PgCluster.SUPERUSER, pg.password());
                    Statement st = c.createStatement()) {
                awaitPromotion(st, name, Duration.ofSeconds(180));
                System.out.printf("PostgresPitrIT: %s recovery %.1fs%n", name, (System.nanoTime() - start) / 1e9);
                List<Integer> ids = new ArrayList<>();
                try (ResultSet rs = st.executeQuery(query)) {
                    while (rs.next()) {
                        ids.add(rs.getInt(1));
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM filler")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isEqualTo(50000);
                }
                return ids;
            }
        } finally {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                asPostgres(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "-s", "stop"));
            }
        }
    }

    /** Runs the CLI as the server's OS user, as archive_command does. */
    private CliResult lifeboat(String... args) throws IOException, InterruptedException {
        return lifeboatWithPassword(pg.password(), args);
    }

    private CliResult lifeboatWithPassword(String pgPassword, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar().toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--repo", repo.toString(), "--password-file", passwordFile.toString()));
        Instant start = Instant.now();
        Process p = runAs(cmd, Map.of("PGPASSWORD", pgPassword, "LIFEBOAT_PROGRESS", "0", "LC_ALL", "C.UTF-8"));
        return finish(p, List.of(args), start, Duration.ofMinutes(5));
    }
}
