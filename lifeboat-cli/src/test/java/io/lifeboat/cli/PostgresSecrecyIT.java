package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.testkit.postgres.PgCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database password never appears in a child's argv or environment, in output, logs or the
 * repository. pg_dump and pg_restore are wrapped by scripts that record their argv, their
 * environment and the mode of the password file they were given, then run the real programs.
 * The password comes from {@code --pg-password-file} for the backup and from {@code ~/.pgpass}
 * for the restore.
 */
class PostgresSecrecyIT {
    @TempDir
    static Path tmp;

    private static PgCluster pg;

    @BeforeAll
    static void start() {
        pg = PgCluster.start();
        pg.createDatabase("secrets");
        pg.execute("secrets", "CREATE TABLE t (id int PRIMARY KEY, v text)",
                "INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 1000) g");
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void passwordNeverReachesArgvEnvironmentOutputOrRepository() throws IOException {
        Path log = tmp.resolve("children.log");
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        for (String program : List.of("pg_dump", "pg_restore")) {
            Path f = bin.resolve(program);
            Files.writeString(f, "#!/bin/sh\n"
                    + "{ echo \"ARGV $0 $*\"; env | sed 's/^/ENV /'; "
                    + "[ -n \"$PGPASSFILE\" ] && echo \"PASSFILE $PGPASSFILE $(stat -c %a \"$PGPASSFILE\")\"; } >> " + log + "\n"
                    + "exec " + pg.bin().resolve(program) + " \"$@\"\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path passwordFile = tmp.resolve("db-password");
        Files.writeString(passwordFile, pg.password() + "\n");
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path pgpass = home.resolve(".pgpass");
        Files.writeString(pgpass, "127.0.0.1:" + pg.port() + ":*:postgres:" + pg.password() + "\n");
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));

        CliProcess cli = CliProcess.forRepository(tmp.resolve("repo"), "secrecy").withEnv("PGPASSWORD", null)
                .withEnv("LIFEBOAT_PG_BIN", bin.toString());
        cli.run("init").assertSuccess();
        CliResult backup = cli.run("backup", "postgres", "--url", pg.url("secrets"), "--pg-password-file",
                passwordFile.toString(), "--json").assertSuccess();
        CliResult restore = cli.withEnv("HOME", home.toString())
                .run("restore", "latest", "--target-db", "secrets_copy", "--json").assertSuccess();
        CliResult listing = cli.run("snapshots", "--json").assertSuccess();
        assertThat(restore.json().path("mismatches").asLong()).isZero();
        assertThat(RagDatabase.count(pg, "secrets_copy", "SELECT count(*) FROM t")).isEqualTo(1000);

        String children = Files.readString(log);
        assertThat(children).contains("ARGV " + bin.resolve("pg_dump"), "ARGV " + bin.resolve("pg_restore"));
        assertThat(children).as("argv and environment of pg_dump/pg_restore").doesNotContain(pg.password());
        assertThat(children).doesNotContain("ENV PGPASSWORD=");
        List<String> passFiles = children.lines().filter(l -> l.startsWith("PASSFILE ")).toList();
        assertThat(passFiles).hasSizeGreaterThanOrEqualTo(2).allSatisfy(l -> assertThat(l).endsWith(" 600"));
        for (String l : passFiles) {
            assertThat(Path.of(l.split(" ")[1])).as("temporary password file removed").doesNotExist();
        }
        for (CliResult r : List.of(backup, restore, listing)) {
            assertThat(r.stdout() + r.stderr()).doesNotContain(pg.password());
        }
        try (Stream<Path> files = Files.walk(cli.repository())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString())
                        .doesNotContain(pg.password());
            }
        }
    }
}
