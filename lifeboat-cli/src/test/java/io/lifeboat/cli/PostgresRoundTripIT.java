package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.testkit.postgres.PgCluster;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backup postgres} → {@code restore --target-db} on a RAG-like database in a real cluster:
 * the restored database equals the source table by table (ordered checksums, not only counts),
 * with its sequence, view, function, indexes, foreign keys and extension; the snapshot records
 * what the issue asks for; restoring over a non-empty database needs {@code --clean}.
 */
class PostgresRoundTripIT {
    private static final String DB = "rag_source";

    @TempDir
    static Path tmp;

    private static PgCluster pg;
    private static CliProcess cli;
    private static JsonNode snapshot;

    @BeforeAll
    static void backUp() {
        pg = PgCluster.start();
        RagDatabase.create(pg, DB, 0.42, 300, 4, 64);
        cli = CliProcess.forRepository(tmp.resolve("repo"), "pg round trip").withEnv("PGPASSWORD", pg.password());
        cli.run("init").assertSuccess();
        CliResult backup = cli.run("backup", "postgres", "--url", pg.url(DB), "--tag", "nightly", "--json").assertSuccess();
        snapshot = backup.json().path("snapshot");
        System.out.printf("PostgresRoundTripIT: backup took %.1fs, stats %s%n", backup.seconds(), snapshot.path("stats"));
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void snapshotRecordsServerFactsAndExactRowCounts() {
        JsonNode m = snapshot.path("metadata");
        assertThat(snapshot.path("source").asText()).isEqualTo("postgres");
        assertThat(snapshot.path("paths").get(0).asText()).isEqualTo("postgresql://postgres@127.0.0.1:" + pg.port() + "/" + DB);
        assertThat(m.path("server_version_num").asInt() / 10000).isEqualTo(pg.majorVersion());
        assertThat(m.path("system_identifier").asText()).matches("\\d{10,}");
        assertThat(m.path("database_size").asLong()).isGreaterThan(1_000_000);
        assertThat(m.path("encoding").asText()).isEqualTo("UTF8");
        assertThat(m.path("collation").asText()).isEqualTo("C.UTF-8");
        assertThat(m.path("extensions").toString()).contains("\"pg_trgm\"", "\"plpgsql\"");
        assertThat(m.path("snapshot").asText()).isNotEmpty();
        assertThat(m.path("client_major").asInt()).isEqualTo(pg.majorVersion());
        assertThat(m.path("dump_bytes").asLong()).isEqualTo(snapshot.path("stats").path("bytes_read").asLong());
        assertThat(m.path("tables").toString())
                .contains("{\"schema\":\"rag\",\"name\":\"chunks\",\"rows\":1200}")
                .contains("{\"schema\":\"rag\",\"name\":\"documents\",\"rows\":300}")
                .contains("{\"schema\":\"rag\",\"name\":\"document_tags\",\"rows\":"
                        + RagDatabase.count(pg, DB, "SELECT count(*) FROM rag.document_tags") + "}");
        assertThat(m.path("total_rows").asLong()).isEqualTo(1500 + RagDatabase.count(pg, DB, "SELECT count(*) FROM rag.document_tags"));
    }

    @Test
    void restoredDatabaseEqualsTheSourceTableByTable() {
        CliResult restore = cli.run("restore", snapshot.path("id").asText(), "--target-db", "rag_copy", "--json").assertSuccess();
        JsonNode r = restore.json();
        System.out.printf("PostgresRoundTripIT: restore took %.1fs%n", restore.seconds());
        assertThat(r.path("created").asBoolean()).isTrue();
        assertThat(r.path("mismatches").asLong()).isZero();
        assertThat(r.path("warnings")).isEmpty();
        assertThat(r.path("tables")).hasSize(3);
        Map<String, String> source = RagDatabase.checksums(pg, DB);
        Map<String, String> restored = RagDatabase.checksums(pg, "rag_copy");
        assertThat(restored).isEqualTo(source);
        assertThat(source.get("rag.chunks")).startsWith("1200 rows");
        assertThat(source.get("trigram search")).isNotEqualTo("0");
    }

    @Test
    void restoreRefusesANonEmptyDatabaseWithoutCleanAndOverwritesItWithClean() {
        pg.createDatabase("busy");
        pg.execute("busy", "CREATE TABLE keep_me (x int)", "INSERT INTO keep_me VALUES (1)");
        CliResult refused = cli.run("restore", snapshot.path("id").asText(), "--target-db", "busy").assertExitCode(18);
        assertThat(refused.stderr()).contains("database busy", "not empty", "keep_me", "hint:", "--clean");
        assertThat(RagDatabase.count(pg, "busy", "SELECT count(*) FROM pg_tables WHERE schemaname = 'rag'")).isZero();

        cli.run("restore", snapshot.path("id").asText(), "--target-db", "busy", "--clean").assertSuccess();
        assertThat(RagDatabase.checksums(pg, "busy")).isEqualTo(RagDatabase.checksums(pg, DB));
        assertThat(RagDatabase.count(pg, "busy", "SELECT count(*) FROM keep_me")).isEqualTo(1);
    }

    @Test
    void restoreIntoTheOriginalDatabaseNeedsClean() {
        cli.run("restore", "latest", "--url", pg.url(DB)).assertExitCode(18);
        CliResult again = cli.run("restore", "latest", "--url", pg.url(DB), "--clean", "--json").assertSuccess();
        assertThat(again.json().path("created").asBoolean()).isFalse();
        assertThat(again.json().path("mismatches").asLong()).isZero();
    }

    @Test
    void dryRunShowsThePlanAndCreatesNothing() {
        CliResult dry = cli.run("restore", "latest", "--target-db", "never_made", "--dry-run").assertSuccess();
        assertThat(dry.stdout()).contains("would create database never_made", "rag.chunks: 1200 rows");
        assertThat(RagDatabase.count(pg, "postgres", "SELECT count(*) FROM pg_database WHERE datname = 'never_made'")).isZero();
    }

    @Test
    void schemaAndTableSelectionRestoreOnlyWhatWasAskedFor() {
        pg.createDatabase("only_docs");
        pg.execute("only_docs", "CREATE SCHEMA rag");
        CliResult r = cli.run("restore", "latest", "--target-db", "only_docs", "--clean", "--schema", "rag",
                "--table", "documents", "--json").assertSuccess();
        assertThat(r.json().path("tables")).hasSize(1);
        assertThat(r.json().path("tables").get(0).path("restored_rows").asLong()).isEqualTo(300);
        assertThat(RagDatabase.count(pg, "only_docs", "SELECT count(*) FROM pg_tables WHERE schemaname = 'rag'")).isEqualTo(1);
    }

    @Test
    void optionsOfTheOtherSourceKindAreUsageErrors() {
        CliResult r = cli.run("restore", snapshot.path("id").asText(), "--target", tmp.resolve("dir").toString());
        r.assertExitCode(2);
        assertThat(r.stderr()).contains("PostgreSQL", "hint:");
        CliResult both = cli.run("restore", "latest", "--target", tmp.resolve("dir").toString(), "--target-db", "x");
        both.assertExitCode(2);
    }
}
