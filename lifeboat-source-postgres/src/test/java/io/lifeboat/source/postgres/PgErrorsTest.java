package io.lifeboat.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PgErrorsTest {
    private static final PgConnectionConfig DB = new PgConnectionConfig("db1", 5432, "app", "rag", Map.of());

    private static LifeboatException of(String state, String message) {
        return PgErrors.of(new SQLException(message, state), DB, "backing up");
    }

    @Test
    void sqlStatesBecomeCodesWithHints() {
        assertThat(of("28P01", "FATAL: password authentication failed for user \"app\"")).satisfies(e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_ERROR);
            assertThat(e.getMessage()).isEqualTo("backing up: password authentication failed for app@db1:5432/rag");
            assertThat(e.hint()).contains("PGPASSWORD", ".pgpass", "--pg-password-file");
        });
        assertThat(of("08004", "The server requested SCRAM-based authentication, but no password was provided.").hint())
                .contains("PGPASSWORD");
        assertThat(of("3D000", "FATAL: database \"rag\" does not exist")).satisfies(e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
            assertThat(e.getMessage()).contains("database 'rag' does not exist on db1:5432");
        });
        assertThat(of("42501", "permission denied for table t").hint()).contains("pg_read_all_data");
        assertThat(of("28000", "no pg_hba.conf entry").hint()).contains("pg_hba.conf");
        assertThat(of("08001", "Connection refused")).satisfies(e -> {
            assertThat(e.getMessage()).contains("cannot connect to PostgreSQL at db1:5432");
            assertThat(e.hint()).contains("pg_isready -h db1 -p 5432");
            assertThat(e.retryable()).isTrue();
        });
        assertThat(of("XX000", "boom").getMessage()).contains("boom", "SQLSTATE XX000");
    }

    @Test
    void childFailuresQuoteTheirErrorLinesAndPickAHint() {
        LifeboatException e = PgErrors.ofChild("pg_dump", 1, List.of("pg_dump: error: query failed: ERROR:  permission denied for table x",
                "pg_dump: detail: Query was: LOCK TABLE x"), DB);
        assertThat(e.getMessage()).startsWith("pg_dump failed (exit code 1) for db1:5432/rag: pg_dump: error: query failed");
        assertThat(e.hint()).contains("pg_read_all_data");
        assertThat(PgErrors.ofChild("pg_restore", 1, List.of("pg_restore: error: could not extend file: No space left on device"), DB)
                .hint()).contains("free disk space");
    }
}
