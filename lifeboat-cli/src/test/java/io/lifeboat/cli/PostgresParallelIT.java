package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.testkit.postgres.PgCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backup postgres --jobs 3} and {@code restore --jobs N} on one real cluster: the dump in
 * a schema part and data parts restores to a database equal to the source table by table
 * (ordered checksums); with {@code --clean} over the original; with table selection and dry run;
 * a snapshot in one stream still restores (and says that --jobs had no effect); and every part
 * comes from the one exported snapshot: money moved between two tables dumped by different
 * pg_dump processes adds up to the constant total after the restore.
 */
class PostgresParallelIT {
    private static final String DB = "rag_parts";
    private static final String BANK = "bank_parts";
    private static final int ACCOUNTS = 4000;
    private static final long TOTAL = 2L * ACCOUNTS * 1000;

    @TempDir
    static Path tmp;

    private static PgCluster pg;
    private static CliProcess cli;
    private static JsonNode parted;
    private static Map<String, String> sourceChecksums;

    @BeforeAll
    static void backUp() {
        pg = PgCluster.start();
        RagDatabase.create(pg, DB, 0.42, 300, 4, 64);
        pg.execute(DB, "CREATE SCHEMA \"Odd.Schema\"", "CREATE TABLE \"Odd.Schema\".\"we\"\"ird*\" (x int)",
                "INSERT INTO \"Odd.Schema\".\"we\"\"ird*\" SELECT generate_series(1, 77)",
                "CREATE INDEX documents_created ON rag.documents (created_at)",
                "CREATE INDEX chunks_tokens ON rag.chunks (tokens) WHERE tokens > 100");
        sourceChecksums = RagDatabase.checksums(pg, DB);
        cli = CliProcess.forRepository(tmp.resolve("repo"), "pg parallel").withEnv("PGPASSWORD", pg.password());
        cli.run("init").assertSuccess();
        CliResult backup = cli.run("backup", "postgres", "--url", pg.url(DB), "--jobs", "3", "--json").assertSuccess();
        parted = backup.json().path("snapshot");
        System.out.printf("PostgresParallelIT: backup --jobs 3 took %.1fs, stats %s%n", backup.seconds(), parted.path("stats"));
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void snapshotRecordsASchemaPartAndDataPartsHoldingEveryTableOnce() {
        JsonNode m = parted.path("metadata");
        assertThat(m.path("jobs").asInt()).isEqualTo(3);
        assertThat(m.path("format").asText()).contains("parts");
        JsonNode parts = m.path("parts");
        assertThat(parts).hasSize(4);
        assertThat(parts.get(0).path("node").asText()).isEqualTo("schema.pgdump");
        assertThat(parts.get(0).path("kind").asText()).isEqualTo("schema");
        List<String> tables = new ArrayList<>();
        long bytes = 0;
        for (JsonNode p : parts) {
            bytes += p.path("dump_bytes").asLong();
            p.path("tables").forEach(t -> tables.add(t.path("schema").asText() + "." + t.path("name").asText()));
            if (p.path("kind").asText().equals("data")) {
                assertThat(p.path("node").asText()).matches("data-[123]\\.pgdump");
                assertThat(p.path("tables")).isNotEmpty();
            }
        }
        assertThat(tables).containsExactlyInAnyOrder("rag.chunks", "rag.documents", "rag.document_tags",
                "Odd.Schema.we\"ird*");
        assertThat(parts.get(1).path("tables").get(0).path("name").asText()).as("largest table first").isEqualTo("chunks");
        assertThat(bytes).isEqualTo(m.path("dump_bytes").asLong()).isEqualTo(parted.path("stats").path("bytes_read").asLong());
        CliResult ls = cli.run("ls", parted.path("id").asText()).assertSuccess();
        assertThat(ls.stdout()).contains("schema.pgdump", "data-1.pgdump", "data-2.pgdump", "data-3.pgdump");
    }

    @Test
    void restoreInParallelEqualsTheSourceTableByTable() {
        CliResult restore = cli.run("restore", parted.path("id").asText(), "--target-db", "rag_copy", "--jobs", "3", "--json")
                .assertSuccess();
        JsonNode r = restore.json();
        System.out.printf("PostgresParallelIT: restore --jobs 3 took %.1fs%n", restore.seconds());
        assertThat(r.path("data_parts").asInt()).isEqualTo(3);
        assertThat(r.path("jobs").asInt()).isEqualTo(3);
        assertThat(r.path("mismatches").asLong()).isZero();
        assertThat(r.path("warnings")).isEmpty();
        assertThat(r.path("notes")).isEmpty();
        assertThat(r.path("tables")).hasSize(4);
        assertThat(RagDatabase.count(pg, "rag_copy", "SELECT sum(x) FROM \"Odd.Schema\".\"we\"\"ird*\""))
                .as("a table whose names hold '.', '\"' and '*' is matched exactly by its part").isEqualTo(77 * 78 / 2);
        assertThat(RagDatabase.checksums(pg, "rag_copy")).isEqualTo(sourceChecksums);
        assertThat(sourceChecksums.get("foreign keys")).contains("document_id");
    }

    @Test
    void cleanRestoreOverTheOriginalDropsAndRecreatesTablesThatForeignKeysReference() {
        pg.execute(DB, "DELETE FROM rag.document_tags WHERE document_id < 50", "UPDATE rag.documents SET title = 'changed'");
        CliResult r = cli.run("restore", parted.path("id").asText(), "--url", pg.url(DB), "--clean", "--jobs", "2", "--json")
                .assertSuccess();
        assertThat(r.json().path("created").asBoolean()).isFalse();
        assertThat(r.json().path("jobs").asInt()).isEqualTo(2);
        assertThat(r.json().path("warnings")).isEmpty();
        assertThat(RagDatabase.checksums(pg, DB)).isEqualTo(sourceChecksums);
    }

    @Test
    void restoreWithoutJobsRestoresThePartsOneAfterTheOther() {
        CliResult r = cli.run("restore", parted.path("id").asText(), "--target-db", "rag_serial", "--json").assertSuccess();
        assertThat(r.json().path("jobs").asInt()).isEqualTo(1);
        assertThat(RagDatabase.checksums(pg, "rag_serial")).isEqualTo(sourceChecksums);
    }

    @Test
    void dryRunAndTableSelectionWorkOnParts() {
        CliResult dry = cli.run("restore", parted.path("id").asText(), "--target-db", "never_made", "--dry-run", "--jobs", "3")
                .assertSuccess();
        assertThat(dry.stdout()).contains("would create database never_made", "rag.chunks: 1200 rows", "3 data parts");
        assertThat(RagDatabase.count(pg, "postgres", "SELECT count(*) FROM pg_database WHERE datname = 'never_made'")).isZero();

        pg.createDatabase("only_docs");
        pg.execute("only_docs", "CREATE SCHEMA rag");
        CliResult r = cli.run("restore", parted.path("id").asText(), "--target-db", "only_docs", "--clean", "--schema", "rag",
                "--table", "documents", "--jobs", "3", "--json").assertSuccess();
        assertThat(r.json().path("tables")).hasSize(1);
        assertThat(r.json().path("tables").get(0).path("restored_rows").asLong()).isEqualTo(300);
        assertThat(RagDatabase.count(pg, "only_docs", "SELECT count(*) FROM pg_tables WHERE schemaname = 'rag'")).isEqualTo(1);
    }

    @Test
    void aSnapshotInOneStreamRestoresWithJobsAndSaysItCannotParallelise() {
        CliResult backup = cli.run("backup", "postgres", "--url", pg.url(DB), "--json").assertSuccess();
        JsonNode single = backup.json().path("snapshot");
        assertThat(single.path("metadata").has("parts")).isFalse();
        CliResult r = cli.run("restore", single.path("id").asText(), "--target-db", "rag_single", "--jobs", "3", "--json")
                .assertSuccess();
        assertThat(r.json().path("data_parts").asInt()).isZero();
        assertThat(r.json().path("notes").get(0).asText()).contains("without --jobs", "one pg_restore");
        assertThat(RagDatabase.checksums(pg, "rag_single")).isEqualTo(RagDatabase.checksums(pg, DB));
    }

    @Test
    void jobsWithAllDatabasesIsAUsageError() {
        CliResult r = cli.run("backup", "postgres", "--url", pg.url(DB), "--all-databases", "--jobs", "2");
        r.assertExitCode(2);
        assertThat(r.stderr()).contains("--jobs", "hint:");
    }

    @Test
    void aFailingPartKillsTheOthersAndCommitsNoSnapshot() throws Exception {
        Path real = pg.bin().resolve("pg_dump");
        Path bin = Files.createDirectories(tmp.resolve("failing-bin"));
        Path script = bin.resolve("pg_dump");
        Files.writeString(script, "#!/bin/sh\n"
                + "for a in \"$@\"; do if [ \"$a\" = '--table=\"rag\".\"documents\"' ]; then\n"
                + "  sleep 1; echo 'pg_dump: error: simulated failure of one part' >&2; exit 1; fi; done\n"
                + "exec " + real + " \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        CliProcess own = CliProcess.forRepository(tmp.resolve("repo-failing"), "failing").withEnv("PGPASSWORD", pg.password());
        own.run("init").assertSuccess();
        CliResult r = own.run("backup", "postgres", "--url", pg.url(DB), "--jobs", "3", "--pg-bin", bin.toString());
        r.assertExitCode(17);
        assertThat(r.stderr()).contains("pg_dump (data-", "failed (exit code 1)", "simulated failure of one part", "hint:");
        assertThat(own.run("snapshots", "--json").assertSuccess().json().size()).isZero();
        long left = -1;
        for (int i = 0; i < 50 && left != 0; i++) {
            left = RagDatabase.count(pg, "postgres", "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pg_dump'");
            Thread.sleep(100);
        }
        assertThat(left).as("no pg_dump is left running (their sessions end within 5 s)").isZero();
    }

    /**
     * Writers move money between {@code accounts_a} and {@code accounts_b} (the two largest
     * tables, so different pg_dump processes dump them) while the backup runs. Parts taken at
     * different moments would not add up; parts of one snapshot always do.
     */
    @Test
    void allPartsComeFromOneSnapshotUnderConcurrentTransfers() throws Exception {
        pg.createDatabase(BANK);
        for (String t : List.of("accounts_a", "accounts_b")) {
            pg.execute(BANK, "CREATE TABLE " + t + " (id int PRIMARY KEY, balance bigint NOT NULL, pad text NOT NULL)",
                    "INSERT INTO " + t + " SELECT g, 1000, repeat(md5(g::text), 32) FROM generate_series(1, " + ACCOUNTS + ") g");
        }
        pg.execute(BANK, "CREATE TABLE transfers (id bigserial PRIMARY KEY, src int, dst int, amount bigint)", "ANALYZE");
        long before;
        long after;
        CliResult backup;
        try (TransferLoad load = TransferLoad.start(() -> pg.connect(BANK), 2, 77, PostgresParallelIT::transfer)) {
            before = load.awaitTransfers(200).transfers();
            backup = cli.run("backup", "postgres", "--url", pg.url(BANK), "--jobs", "3", "--json").assertSuccess();
            after = load.transfers();
        }
        assertThat(after).as("the writers kept writing during the backup").isGreaterThan(before);
        JsonNode meta = backup.json().path("snapshot").path("metadata");
        Set<String> partsOfAccounts = new HashSet<>();
        for (JsonNode p : meta.path("parts")) {
            for (JsonNode t : p.path("tables")) {
                if (t.path("name").asText().startsWith("accounts_")) {
                    partsOfAccounts.add(p.path("node").asText());
                }
            }
        }
        assertThat(partsOfAccounts).as("the two account tables are dumped by different pg_dump processes").hasSize(2);
        System.out.printf("PostgresParallelIT: %d transfers before the backup, %d after (backup %.1fs)%n", before, after,
                backup.seconds());

        CliResult restore = cli.run("restore", backup.json().path("snapshot").path("id").asText(), "--target-db",
                "bank_restored", "--jobs", "3", "--json").assertSuccess();
        assertThat(restore.json().path("mismatches").asLong()).isZero();
        assertThat(RagDatabase.count(pg, "bank_restored", "SELECT (SELECT sum(balance) FROM accounts_a) "
                + "+ (SELECT sum(balance) FROM accounts_b)")).isEqualTo(TOTAL);
        long restoredTransfers = RagDatabase.count(pg, "bank_restored", "SELECT count(*) FROM transfers");
        assertThat(restoredTransfers).isBetween(before, after);
        assertThat(RagDatabase.count(pg, "bank_restored", "SELECT coalesce(sum(amount), 0) FROM transfers WHERE src > 0"))
                .as("the log holds exactly the transfers that moved money from A to B, net")
                .isEqualTo(RagDatabase.count(pg, "bank_restored", "SELECT sum(balance) FROM accounts_b") - (long) ACCOUNTS * 1000
                        + RagDatabase.count(pg, "bank_restored", "SELECT coalesce(sum(amount), 0) FROM transfers WHERE src < 0"));
        for (JsonNode t : restore.json().path("tables")) {
            assertThat(t.path("restored_rows").asLong()).as(t.toString()).isEqualTo(t.path("recorded_rows").asLong());
        }
    }

    /** Each transfer moves an amount from A to B (src > 0) or from B to A (src < 0) and logs it. */
    private static void transfer(Connection c, SplittableRandom random) throws SQLException {
        int ia = 1 + random.nextInt(ACCOUNTS);
        int ib = 1 + random.nextInt(ACCOUNTS);
        boolean aToB = random.nextBoolean();
        long amount = 1 + random.nextInt(50);
        long delta = aToB ? -amount : amount;
        try (PreparedStatement a = c.prepareStatement("UPDATE accounts_a SET balance = balance + ? WHERE id = ?");
                PreparedStatement b = c.prepareStatement("UPDATE accounts_b SET balance = balance - ? WHERE id = ?");
                PreparedStatement log = c.prepareStatement("INSERT INTO transfers (src, dst, amount) VALUES (?, ?, ?)")) {
            a.setLong(1, delta);
            a.setInt(2, ia);
            a.executeUpdate();
            b.setLong(1, delta);
            b.setInt(2, ib);
            b.executeUpdate();
            log.setInt(1, aToB ? ia : -ib);
            log.setInt(2, aToB ? ib : ia);
            log.setLong(3, amount);
            log.executeUpdate();
        }
    }
}
