package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.testkit.postgres.PgCluster;
import io.lifeboat.testkit.s3.S3Server;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PostgreSQL logical backup through {@code s3://bucket/prefix} on a real S3 protocol server
 * (S3Proxy in this JVM) and a real cluster: backup of a RAG-like database, in one stream and in
 * parts ({@code --jobs 2}, whose parts upload concurrently), restore of each with
 * {@code --target-db}, ordered per-table checksums equal to the source's, then
 * {@code check --read-data}.
 */
class PostgresS3RoundTripIT {
    private static final String BUCKET = "lifeboat-pg";
    private static final String DB = "rag_s3";

    @TempDir
    static Path tmp;

    private static S3Server s3;
    private static PgCluster pg;
    private static CliProcess cli;
    private static Map<String, String> source;

    @BeforeAll
    static void start() {
        s3 = S3Server.start(tmp.resolve("s3-data"));
        s3.createBucket(BUCKET);
        pg = PgCluster.start();
        RagDatabase.create(pg, DB, 0.31, 300, 4, 64);
        source = RagDatabase.checksums(pg, DB);
        cli = CliProcess.forLocation("s3://" + BUCKET + "/pg/repo", "s3 postgres password").withEnv(s3.environment())
                .withEnv("PGPASSWORD", pg.password());
        cli.run("init").assertSuccess();
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void backupAndRestoreThroughS3EqualTheSourceTableByTable() {
        CliResult backup = cli.run("backup", "postgres", "--url", pg.url(DB), "--json").assertSuccess();
        JsonNode snapshot = backup.json().path("snapshot");
        assertThat(backup.json().path("storage_requests").path("put").asLong()).isPositive();
        assertThat(s3.keys(BUCKET, "pg/repo/snapshots/")).hasSize(1);

        CliResult parts = cli.run("backup", "postgres", "--url", pg.url(DB), "--jobs", "2", "--json").assertSuccess();
        JsonNode parted = parts.json().path("snapshot");
        assertThat(parted.path("metadata").path("parts")).hasSize(3);
        assertThat(parts.json().path("snapshot").path("stats").path("bytes_added").asLong())
                .as("the rows are the same as in the first backup's stream; only frames and part boundaries are new")
                .isLessThan(snapshot.path("stats").path("bytes_read").asLong() / 2);
        System.out.printf("PostgresS3RoundTripIT: backup %.1fs %s; backup --jobs 2 %.1fs %s%n", backup.seconds(),
                backup.json().path("storage_requests"), parts.seconds(), parts.json().path("storage_requests"));

        JsonNode restored = cli.run("restore", snapshot.path("id").asText(), "--target-db", "rag_from_s3", "--json")
                .assertSuccess().json();
        assertThat(restored.path("mismatches").asLong()).isZero();
        assertThat(restored.path("warnings")).isEmpty();
        assertThat(RagDatabase.checksums(pg, "rag_from_s3")).isEqualTo(source);

        JsonNode fromParts = cli.run("restore", parted.path("id").asText(), "--target-db", "rag_parts_from_s3", "--jobs", "2",
                "--json").assertSuccess().json();
        assertThat(fromParts.path("data_parts").asInt()).isEqualTo(2);
        assertThat(fromParts.path("mismatches").asLong()).isZero();
        assertThat(RagDatabase.checksums(pg, "rag_parts_from_s3")).isEqualTo(source);

        JsonNode check = cli.run("check", "--read-data", "--json").assertSuccess().json();
        assertThat(check.path("ok").asBoolean()).isTrue();
        assertThat(check.path("snapshots").asInt()).isEqualTo(2);
    }
}
