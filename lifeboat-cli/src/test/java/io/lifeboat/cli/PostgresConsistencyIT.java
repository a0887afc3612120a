package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.testkit.postgres.PgCluster;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consistency under load: writers keep moving money between accounts (the total never changes)
 * and logging each transfer while the backup runs. The restored total equals the constant, and
 * the row counts recorded in the snapshot equal the restored ones, although the transfer log
 * grew before, during and after the backup.
 */
class PostgresConsistencyIT {
    private static final String DB = "bank";
    private static final int ACCOUNTS = 1000;
    private static final long TOTAL = ACCOUNTS * 1000L;

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
    void backupUnderConcurrentTransfersRestoresAConsistentState() throws Exception {
        RagDatabase.create(pg, DB, 0.7, 1500, 4, 128);
        pg.execute(DB, "CREATE TABLE accounts (id int PRIMARY KEY, balance bigint NOT NULL)",
                "INSERT INTO accounts SELECT g, 1000 FROM generate_series(1, " + ACCOUNTS + ") g",
                "CREATE TABLE transfers (id bigserial PRIMARY KEY, src int, dst int, amount bigint, at timestamptz DEFAULT now())");
        long before;
        long after;
        CliResult backup;
        CliProcess cli = CliProcess.forRepository(tmp.resolve("repo"), "consistency").withEnv("PGPASSWORD", pg.password());
        try (TransferLoad load = TransferLoad.start(() -> pg.connect(DB), 2, 1000, PostgresConsistencyIT::transfer)) {
            before = load.awaitTransfers(200).transfers();
            cli.run("init").assertSuccess();
            backup = cli.run("backup", "postgres", "--url", pg.url(DB), "--json").assertSuccess();
            after = load.transfers();
        }
        JsonNode meta = backup.json().path("snapshot").path("metadata");
        long recordedTransfers = recorded(meta, "transfers");
        System.out.printf("PostgresConsistencyIT: %d transfers before the backup, %d in the snapshot, %d after it "
                + "(backup %.1fs, dump %d bytes)%n", before, recordedTransfers, after, backup.seconds(),
                meta.path("dump_bytes").asLong());
        assertThat(recordedTransfers).as("transfers in the snapshot were written while the backup ran")
                .isGreaterThanOrEqualTo(before).isLessThanOrEqualTo(after);
        assertThat(after).as("the writers kept writing during the backup").isGreaterThan(before);
        assertThat(sum(DB)).isEqualTo(TOTAL);

        CliResult restore = cli.run("restore", "latest", "--target-db", "bank_restored", "--json").assertSuccess();
        assertThat(restore.json().path("mismatches").asLong()).isZero();
        assertThat(sum("bank_restored")).isEqualTo(TOTAL);
        assertThat(RagDatabase.count(pg, "bank_restored", "SELECT count(*) FROM transfers")).isEqualTo(recordedTransfers);
        assertThat(RagDatabase.count(pg, "bank_restored", "SELECT count(*) FROM rag.chunks")).isEqualTo(recorded(meta, "chunks"));
        for (JsonNode t : restore.json().path("tables")) {
            assertThat(t.path("restored_rows").asLong()).as(t.toString()).isEqualTo(t.path("recorded_rows").asLong());
        }
    }

    private static long recorded(JsonNode meta, String table) {
        for (JsonNode t : meta.path("tables")) {
            if (t.path("name").asText().equals(table)) {
                return t.path("rows").asLong();
            }
        }
        throw new AssertionError("table " + table + " not recorded in " + meta);
    }

    private static long sum(String db) {
        return RagDatabase.count(pg, db, "SELECT sum(balance) FROM accounts");
    }

    /** Moves an amount from one account to another and logs it. */
    private static void transfer(Connection c, SplittableRandom random) throws SQLException {
        int src = 1 + random.nextInt(ACCOUNTS);
        int dst = 1 + random.nextInt(ACCOUNTS);
        long amount = 1 + random.nextInt(50);
        try (PreparedStatement debit = c.prepareStatement("UPDATE accounts SET balance = balance - ? WHERE id = ?");
                PreparedStatement credit = c.prepareStatement("UPDATE accounts SET balance = balance + ? WHERE id = ?");
                PreparedStatement log = c.prepareStatement("INSERT INTO transfers (src, dst, amount) VALUES (?, ?, ?)")) {
            debit.setLong(1, amount);
            debit.setInt(2, src);
            debit.executeUpdate();
            credit.setLong(1, amount);
            credit.setInt(2, dst);
            credit.executeUpdate();
            log.setInt(1, src);
            log.setInt(2, dst);
            log.setLong(3, amount);
            log.executeUpdate();
        }
    }
}
