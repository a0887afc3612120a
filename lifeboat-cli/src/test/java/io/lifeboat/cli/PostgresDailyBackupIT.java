package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.testkit.postgres.PgCluster;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cheap daily backups: after appending 1% new rows and updating 0.5% of the rows of a RAG-like
 * database, the second backup stores only a small fraction of the dump. The fraction is printed.
 */
class PostgresDailyBackupIT {
    private static final String DB = "daily";
    private static final int DOCUMENTS = 2000;
    private static final int CHUNKS_PER_DOCUMENT = 5;
    private static final int DIM = 384;
    /** Bound on bytes added by day 2 over the dump size; measured 0.063 with 16 KiB average chunks. */
    private static final double MAX_FRACTION = 0.10;

    @TempDir
    static Path tmp;

    private static PgCluster pg;

    @BeforeAll
    static void start() {
        pg = PgCluster.start();
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void secondBackupAfterOnePercentAppendedAndHalfAPercentUpdatedStoresLittle() {
        long t0 = System.nanoTime();
        RagDatabase.create(pg, DB, 0.11, DOCUMENTS, CHUNKS_PER_DOCUMENT, DIM);
        System.out.printf("PostgresDailyBackupIT: generated the database in %.1fs%n", (System.nanoTime() - t0) / 1e9);
        CliProcess cli = CliProcess.forRepository(tmp.resolve("repo"), "daily").withEnv("PGPASSWORD", pg.password());
        cli.run("init").assertSuccess();
        JsonNode day1 = cli.run("backup", "postgres", "--url", pg.url(DB), "--json").assertSuccess().json().path("snapshot");

        // Day 2: 1% more documents (with their chunks and tags), 0.5% of chunks and documents updated.
        RagDatabase.insert(pg, DB, 0.12, DOCUMENTS + 1, DOCUMENTS / 100, CHUNKS_PER_DOCUMENT, DIM);
        pg.execute(DB, "SELECT setseed(0.13)",
                "UPDATE rag.chunks SET tokens = tokens + 1, content = content || ' (revised)' WHERE id IN "
                        + "(SELECT id FROM rag.chunks ORDER BY random() LIMIT " + DOCUMENTS * CHUNKS_PER_DOCUMENT / 200 + ")",
                "UPDATE rag.documents SET metadata = metadata || '{\"reviewed\": true}' WHERE id IN "
                        + "(SELECT id FROM rag.documents ORDER BY random() LIMIT " + DOCUMENTS / 200 + ")");
        JsonNode day2 = cli.run("backup", "postgres", "--url", pg.url(DB), "--json").assertSuccess().json().path("snapshot");

        long dump1 = day1.path("stats").path("bytes_read").asLong();
        long stored1 = day1.path("stats").path("stored_bytes_added").asLong();
        long dump2 = day2.path("stats").path("bytes_read").asLong();
        long added2 = day2.path("stats").path("bytes_added").asLong();
        long stored2 = day2.path("stats").path("stored_bytes_added").asLong();
        double fraction = (double) added2 / dump2;
        System.out.printf(Locale.ROOT, "PostgresDailyBackupIT: day 1 dump %d bytes, stored %d (%.2fx smaller) in %d ms; "
                + "day 2 dump %d bytes, added %d bytes = %.4f of the dump, stored %d bytes = %.4f of day 1's stored bytes, %d ms%n",
                dump1, stored1, (double) dump1 / stored1, day1.path("stats").path("duration_ms").asLong(), dump2, added2,
                fraction, stored2, (double) stored2 / stored1, day2.path("stats").path("duration_ms").asLong());
        assertThat(dump1).isGreaterThan(30_000_000L);
        assertThat(dump2).isGreaterThan(dump1);
        assertThat(day2.path("parent").asText()).isEqualTo(day1.path("id").asText());
        assertThat(fraction).as("fraction of the day-2 dump stored again").isLessThan(MAX_FRACTION).isGreaterThan(0.01);
    }
}
