package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.testkit.postgres.PgCluster;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS options pass through to pgjdbc and to pg_dump/pg_restore (libpq): against a server that
 * rejects every connection without TLS, a backup and a restore with {@code sslmode=verify-ca}
 * succeed, so every connection they made was encrypted and the certificate verified.
 */
class PostgresTlsIT {
    @TempDir
    static Path tmp;

    private static PgCluster pg;

    @BeforeAll
    static void start() {
        pg = PgCluster.startWithTls();
        pg.execute("postgres", "CREATE DATABASE tls_db");
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void sslOptionsReachPgjdbcAndTheClientPrograms() {
        CliProcess cli = CliProcess.forRepository(tmp.resolve("repo"), "tls").withEnv("PGPASSWORD", pg.password());
        cli.run("init").assertSuccess();
        String ca = pg.caCertificate().toString();
        cli.run("backup", "postgres", "--url", pg.url("tls_db") + "?sslmode=verify-ca&sslrootcert=" + ca).assertSuccess();
        // The server rejects connections without TLS: the successful runs above and below were encrypted.
        CliResult plain = cli.run("backup", "postgres", "--url", pg.url("tls_db"), "--sslmode", "disable");
        plain.assertExitCode(17);
        assertThat(plain.stderr()).contains("no encryption", "pg_hba.conf");
        CliResult restore = cli.run("restore", "latest", "--url", pg.url("postgres"), "--sslmode", "verify-ca",
                "--sslrootcert", ca, "--target-db", "tls_copy", "--json").assertSuccess();
        assertThat(restore.json().path("created").asBoolean()).isTrue();
        assertThat(restore.json().path("warnings")).isEmpty();
    }
}
