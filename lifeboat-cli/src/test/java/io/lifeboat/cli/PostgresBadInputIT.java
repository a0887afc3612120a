package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.lifeboat.testkit.postgres.PgCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each bad input gets a clear error with a hint and the documented exit code, and leaves no
 * snapshot behind: unreachable server, wrong password, missing database, missing privilege,
 * a password on the command line, missing or too old client programs, pg_dump dying mid-stream,
 * a restore target whose disk is full, a physical backup of a server with an extra tablespace.
 */
class PostgresBadInputIT {
    private static final String WRONG_PASSWORD = "not-the-password-7f3a";

    @TempDir
    static Path tmp;

    private static PgCluster pg;
    private static CliProcess cli;

    @BeforeAll
    static void start() {
        pg = PgCluster.start();
        pg.createDatabase("app");
        pg.execute("app", "CREATE TABLE notes (id int PRIMARY KEY, body text)",
                "INSERT INTO notes SELECT g, 'note ' || g FROM generate_series(1, 5000) g",
                "CREATE TABLE salaries (id int PRIMARY KEY, amount int)",
                "CREATE ROLE limited LOGIN PASSWORD 'limited-pw'", "GRANT SELECT ON notes TO limited");
        cli = CliProcess.forRepository(tmp.resolve("repo"), "bad input").withEnv("PGPASSWORD", pg.password());
        cli.run("init").assertSuccess();
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void unreachableServerIsASourceErrorWithAHint() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        CliResult r = cli.run("backup", "postgres", "--url", "postgresql://postgres@127.0.0.1:" + port + "/app");
        r.assertExitCode(17);
        assertThat(r.stderr()).contains("cannot connect to PostgreSQL at 127.0.0.1:" + port, "hint:", "pg_isready");
        assertNoSnapshotAndNoData();
    }

    @Test
    void wrongPasswordSaysSoAndNeverPrintsIt() {
        CliResult r = cli.withEnv("PGPASSWORD", WRONG_PASSWORD).run("backup", "postgres", "--url", pg.url("app"), "--json");
        r.assertExitCode(17);
        assertThat(r.stderr()).contains("password authentication failed for postgres@127.0.0.1", "hint:", "PGPASSWORD", "~/.pgpass");
        assertThat(r.json().path("error").path("code").asText()).isEqualTo("source_error");
        assertThat(r.stdout() + r.stderr()).doesNotContain(WRONG_PASSWORD).doesNotContain(pg.password());
        assertNoSnapshotAndNoData();
    }

    @Test
    void tlsOptionsReachTheDriverAServerWithoutTlsIsRefused() {
        CliResult r = cli.run("backup", "postgres", "--url", pg.url("app") + "?sslmode=require");
        r.assertExitCode(17);
        assertThat(r.stderr()).contains("TLS with PostgreSQL at 127.0.0.1:" + pg.port() + " failed", "hint:", "sslmode=require");
        CliResult viaOption = cli.run("backup", "postgres", "--url", pg.url("app"), "--sslmode", "require");
        viaOption.assertExitCode(17);
        assertNoSnapshotAndNoData();
    }

    @Test
    void missingDatabaseIsNotFound() {
        CliResult r = cli.run("backup", "postgres", "--url", pg.url("no_such_db"));
        r.assertExitCode(13);
        assertThat(r.stderr()).contains("database 'no_such_db' does not exist", "hint:");
        assertNoSnapshotAndNoData();
    }

    @Test
    void missingPrivilegeNamesTheTablesBeforeDumping() {
        CliResult r = cli.withEnv("PGPASSWORD", "limited-pw").run("backup", "postgres", "--url", pg.url("limited", "app"));
        r.assertExitCode(17);
        assertThat(r.stderr()).contains("insufficient privilege", "public.salaries", "hint:", "pg_read_all_data")
                .doesNotContain("public.notes");
        assertNoSnapshotAndNoData();
    }

    @Test
    void passwordInTheUrlIsRefusedWithoutEchoingIt() {
        CliResult r = cli.run("backup", "postgres", "--url", "postgresql://postgres:hunter2-in-argv@127.0.0.1:" + pg.port() + "/app");
        r.assertExitCode(2);
        assertThat(r.stderr()).contains("contains a password", "PGPASSWORD").doesNotContain("hunter2-in-argv");
    }

    @Test
    void missingClientProgramsNameTheDebianPackage() {
        CliResult r = cli.run("backup", "postgres", "--url", pg.url("app"), "--pg-bin", tmp.resolve("nowhere").toString());
        r.assertExitCode(17);
        assertThat(r.stderr()).contains("pg_dump not found", "postgresql-client-" + pg.majorVersion());
        assertNoSnapshotAndNoData();
    }

    @Test
    void clientOlderThanTheServerIsRefused() throws IOException {
        Path bin = script("old-bin", "pg_dump", "#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n");
        CliResult r = cli.run("backup", "postgres", "--url", pg.url("app"), "--pg-bin", bin.toString());
        r.assertExitCode(18);
        assertThat(r.stderr()).contains("PostgreSQL 9", "older than the server", "postgresql-client-" + pg.majorVersion());
        assertNoSnapshotAndNoData();
    }

    @Test
    void pgDumpDyingMidStreamCommitsNoSnapshotAndTheNextBackupWorks() throws IOException {
        Path real = pg.bin().resolve("pg_dump");
        Path bin = script("dying-bin", "pg_dump", "#!/bin/sh\n"
                + "if [ \"$1\" = --version ]; then exec " + real + " --version; fi\n"
                + real + " \"$@\" | head -c 200000\n"
                + "echo 'pg_dump: error: simulated crash' >&2\nexit 1\n");
        CliProcess own = CliProcess.forRepository(tmp.resolve("repo-dying"), "dying").withEnv("PGPASSWORD", pg.password());
        own.run("init").assertSuccess();
        CliResult r = own.run("backup", "postgres", "--url", pg.url("app"), "--pg-bin", bin.toString());
        r.assertExitCode(17);
        assertThat(r.stderr()).contains("pg_dump failed (exit code 1)", "simulated crash", "hint:");
        assertThat(own.run("snapshots", "--json").assertSuccess().json().size()).isZero();

        CliResult ok = own.run("backup", "postgres", "--url", pg.url("app"), "--json").assertSuccess();
        assertThat(ok.json().path("snapshot").path("metadata").path("total_rows").asLong()).isEqualTo(5000);
        own.run("check", "--read-data").assertSuccess();
    }

    /** Physical backups of a server with an extra tablespace are refused, naming it, before anything is stored. */
    @Test
    void physicalBackupOfAServerWithAnExtraTablespaceIsRefusedNamingIt() throws Exception {
        Path location = Files.createTempDirectory("lifeboat-tablespace-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        try {
            PostgresOsSupport.chown(location);
            pg.execute("postgres", "CREATE TABLESPACE archive_space LOCATION '" + location + "'");
            CliResult r = cli.run("backup", "postgres", "--mode", "physical", "--url", pg.url("postgres"));
            r.assertExitCode(18);
            assertThat(r.stderr()).contains("tablespaces outside the data directory [archive_space]",
                    "not supported yet", "hint: move them into pg_default");
            assertNoSnapshotAndNoData();
        } finally {
            pg.execute("postgres", "DROP TABLESPACE IF EXISTS archive_space");
            PostgresOsSupport.deleteTree(location);
        }
    }

    /**
     * A restore target whose disk fills up: the target database lives in a tablespace on a 4 MiB
     * filesystem (tmpfs, so the test needs root to mount it). The restore fails with the server's
     * error and a hint, and the repository is untouched: check passes and the same snapshot then
     * restores into a database with room.
     */
    @Test
    void restoreIntoAFullDiskFailsWithAHintAndTheSnapshotStillRestoresElsewhere() throws Exception {
        assumeThat(System.getProperty("user.name")).as("mounting a small filesystem needs root").isEqualTo("root");
        // Outside @TempDir, which only root may enter: the server (user postgres) writes here.
        Path small = Files.createTempDirectory("lifeboat-full-disk-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", small.toString())
                .redirectErrorStream(true).start();
        assumeThat(mount.waitFor()).as("mount tmpfs: " + new String(mount.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8)).isZero();
        CliProcess own = CliProcess.forRepository(tmp.resolve("repo-full-disk"), "full disk").withEnv("PGPASSWORD", pg.password());
        own.run("init").assertSuccess();
        try {
            PostgresOsSupport.chown(small);
            pg.createDatabase("big");
            pg.execute("big", "CREATE TABLE pages (id int PRIMARY KEY, body text)",
                    "INSERT INTO pages SELECT g, md5(g::text) || repeat('lifeboat ', 20) FROM generate_series(1, 60000) g");
            String snapshot = own.run("backup", "postgres", "--url", pg.url("big"), "--json").assertSuccess().json()
                    .path("snapshot").path("id").asText();
            pg.execute("postgres", "CREATE TABLESPACE tiny LOCATION '" + small + "'",
                    "CREATE DATABASE full_target TABLESPACE tiny");

            CliResult full = own.run("restore", snapshot, "--target-db", "full_target");
            full.assertExitCode(17);
            assertThat(full.stderr()).containsAnyOf("No space left on device", "could not extend file")
                    .contains("hint: free disk space on the database server");

            own.run("check", "--read-data").assertSuccess();
            own.run("restore", snapshot, "--target-db", "roomy").assertSuccess();
            try (var c = pg.connect("roomy"); var st = c.createStatement();
                    var rs = st.executeQuery("SELECT count(*) FROM pages")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(60000);
            }
        } finally {
            pg.execute("postgres", "DROP DATABASE IF EXISTS full_target", "DROP TABLESPACE IF EXISTS tiny");
            new ProcessBuilder("umount", small.toString()).inheritIO().start().waitFor();
            Files.deleteIfExists(small);
        }
    }

    private static Path script(String dir, String name, String body) throws IOException {
        Path d = Files.createDirectories(tmp.resolve(dir));
        Path f = d.resolve(name);
        Files.writeString(f, body, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return d;
    }

    /**
     * No snapshot object, and no pack either: these failures happen before any data is stored.
     * Looks at the repository's objects directly (docs/repository-format.md), saving a JVM per check.
     */
    private static void assertNoSnapshotAndNoData() {
        assertThat(objects("snapshots")).as("snapshot objects").isZero();
        assertThat(objects("data")).as("packs in the repository").isZero();
    }

    private static long objects(String kind) {
        Path dir = cli.repository().resolve(kind);
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).count();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
