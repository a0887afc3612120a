package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.testkit.postgres.PgCluster;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backup postgres --all-databases}: globals and every database of a server in one
 * snapshot; one database restores on its own ({@code --source-db}), and the whole server restores
 * into a fresh cluster, roles (with their passwords) included.
 */
class PostgresAllDatabasesIT {
    @TempDir
    static Path tmp;

    private static PgCluster pg;
    private static CliProcess cli;
    private static JsonNode snapshot;

    @BeforeAll
    static void backUp() {
        pg = PgCluster.start();
        RagDatabase.create(pg, "alpha", 0.3, 100, 3, 32);
        pg.createDatabase("beta");
        pg.execute("beta", "CREATE SCHEMA shop", "CREATE TABLE shop.orders (id int PRIMARY KEY, total numeric)",
                "INSERT INTO shop.orders SELECT g, g * 1.5 FROM generate_series(1, 777) g",
                "CREATE ROLE app_reader LOGIN PASSWORD 'reader-pw'", "GRANT USAGE ON SCHEMA shop TO app_reader",
                "GRANT SELECT ON shop.orders TO app_reader");
        cli = CliProcess.forRepository(tmp.resolve("repo"), "all databases").withEnv("PGPASSWORD", pg.password());
        cli.run("init").assertSuccess();
        snapshot = cli.run("backup", "postgres", "--url", pg.url("postgres"), "--all-databases", "--json")
                .assertSuccess().json().path("snapshot");
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void snapshotHoldsTheGlobalsAndEveryDatabaseWithItsRowCounts() {
        JsonNode m = snapshot.path("metadata");
        assertThat(m.path("all_databases").asBoolean()).isTrue();
        assertThat(m.path("globals_bytes").asLong()).isGreaterThan(0);
        List<String> names = new ArrayList<>();
        m.path("databases").forEach(d -> names.add(d.path("database").asText()));
        assertThat(names).containsExactly("alpha", "beta", "postgres");
        assertThat(m.path("databases").get(1).path("tables").toString()).contains("{\"schema\":\"shop\",\"name\":\"orders\",\"rows\":777}");
        assertThat(snapshot.path("paths").get(0).asText()).isEqualTo("postgresql://postgres@127.0.0.1:" + pg.port() + "/*");
        CliResult ls = cli.run("ls", snapshot.path("id").asText(), "-R").assertSuccess();
        assertThat(ls.stdout()).contains("globals.sql", "alpha.pgdump", "beta.pgdump", "postgres.pgdump");
    }

    @Test
    void oneDatabaseOfAServerSnapshotRestoresOnItsOwn() {
        CliResult usage = cli.run("restore", snapshot.path("id").asText(), "--target-db", "x");
        usage.assertExitCode(2);
        assertThat(usage.stderr()).contains("alpha, beta, postgres", "--source-db");
        cli.run("restore", snapshot.path("id").asText(), "--source-db", "alpha", "--target-db", "alpha_copy").assertSuccess();
        assertThat(RagDatabase.checksums(pg, "alpha_copy")).isEqualTo(RagDatabase.checksums(pg, "alpha"));
    }

    @Test
    void wholeServerRestoresIntoAFreshClusterWithRoles() {
        try (PgCluster fresh = PgCluster.start()) {
            CliResult r = cli.withEnv("PGPASSWORD", fresh.password()).run("restore", snapshot.path("id").asText(),
                    "--url", fresh.url("postgres"), "--all-databases", "--json").assertSuccess();
            assertThat(r.json().path("databases")).hasSize(3);
            assertThat(r.json().path("mismatches").asLong()).isZero();
            assertThat(RagDatabase.checksums(fresh, "alpha")).isEqualTo(RagDatabase.checksums(pg, "alpha"));
            try (Connection c = fresh.connect("beta", "app_reader", "reader-pw")) {
                assertThat(RagDatabase.count(fresh, "beta", "SELECT count(*) FROM shop.orders")).isEqualTo(777);
                assertThat(c.isValid(5)).isTrue();
            } catch (java.sql.SQLException e) {
                throw new AssertionError(e);
            }
            CliResult again = cli.withEnv("PGPASSWORD", fresh.password()).run("restore", snapshot.path("id").asText(),
                    "--url", fresh.url("postgres"), "--all-databases");
            again.assertExitCode(18);
            assertThat(again.stderr()).contains("not empty", "--clean");
        }
    }
}
