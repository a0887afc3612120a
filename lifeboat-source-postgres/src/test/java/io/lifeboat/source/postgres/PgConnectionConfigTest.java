package io.lifeboat.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PgConnectionConfigTest {
    private static PgConnectionConfig resolve(String url, Map<String, String> env) {
        return PgConnectionConfig.resolve(PgConnectionConfig.Given.url(url), env);
    }

    @Test
    void urlGivesHostPortUserDatabaseAndTlsOptions() {
        PgConnectionConfig c = resolve("postgresql://app%40corp@db.example.com:6432/rag%20prod?sslmode=verify-full&sslrootcert=/etc/ca.pem", Map.of());
        assertThat(c.host()).isEqualTo("db.example.com");
        assertThat(c.port()).isEqualTo(6432);
        assertThat(c.user()).isEqualTo("app@corp");
        assertThat(c.database()).isEqualTo("rag prod");
        assertThat(c.options()).isEqualTo(Map.of("sslmode", "verify-full", "sslrootcert", "/etc/ca.pem"));
        assertThat(c.display()).isEqualTo("postgresql://app@corp@db.example.com:6432/rag prod?sslmode=verify-full");
        assertThat(c.libpqEnvironment()).containsEntry("PGSSLMODE", "verify-full").containsEntry("PGSSLROOTCERT", "/etc/ca.pem")
                .containsEntry("PGHOST", "db.example.com").containsEntry("PGPORT", "6432").doesNotContainKey("PGPASSWORD");
        assertThat(c.jdbcProperties(null)).containsEntry("sslmode", "verify-full").doesNotContainKey("password");
    }

    @Test
    void keywordValueStringsAreParsedWithQuotes() {
        PgConnectionConfig c = resolve("host=10.0.0.5 port=5433 dbname='my db' user=backup sslmode=require", Map.of());
        assertThat(c).isEqualTo(new PgConnectionConfig("10.0.0.5", 5433, "backup", "my db", Map.of("sslmode", "require")));
    }

    @Test
    void ipv6HostsAreBracketed() {
        PgConnectionConfig c = resolve("postgres://u@[::1]:5999/d", Map.of());
        assertThat(c.host()).isEqualTo("::1");
        assertThat(c.identity()).isEqualTo("[::1]:5999/d");
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5999/d");
    }

    @Test
    void explicitPartsBeatTheUrlWhichBeatsTheEnvironmentWhichBeatsDefaults() {
        Map<String, String> env = Map.of("PGHOST", "envhost", "PGPORT", "7000", "PGUSER", "envuser", "PGSSLMODE", "disable");
        assertThat(resolve(null, env)).isEqualTo(new PgConnectionConfig("envhost", 7000, "envuser", "envuser", Map.of("sslmode", "disable")));
        assertThat(resolve("postgresql://urluser@urlhost/urldb", env))
                .isEqualTo(new PgConnectionConfig("urlhost", 7000, "urluser", "urldb", Map.of("sslmode", "disable")));
        var given = new PgConnectionConfig.Given("postgresql://urluser@urlhost/urldb", "opthost", 1234, null, "optdb", Map.of("sslmode", "require"));
        assertThat(PgConnectionConfig.resolve(given, env))
                .isEqualTo(new PgConnectionConfig("opthost", 1234, "urluser", "optdb", Map.of("sslmode", "require")));
        assertThat(resolve(null, Map.of("USER", "alice"))).isEqualTo(new PgConnectionConfig("localhost", 5432, "alice", "alice", Map.of()));
    }

    @Test
    void passwordsInUrlsOrStringsAreUsageErrorsThatDoNotEchoThem() {
        for (String url : new String[] {"postgresql://u:s3cr3t@h/d", "host=h password=s3cr3t", "postgresql://u@h/d?password=s3cr3t"}) {
            assertThatThrownBy(() -> resolve(url, Map.of())).isInstanceOfSatisfying(LifeboatException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                assertThat(e.getMessage()).contains("password").doesNotContain("s3cr3t");
                assertThat(e.hint()).contains("PGPASSWORD", ".pgpass", "--pg-password-file");
            });
        }
    }

    @Test
    void unknownParametersUnixSocketsAndSeveralHostsAreRejected() {
        assertThatThrownBy(() -> resolve("postgresql://h/d?options=-c%20x", Map.of())).hasMessageContaining("unsupported");
        assertThatThrownBy(() -> resolve("host=/var/run/postgresql", Map.of())).hasMessageContaining("Unix-domain");
        assertThatThrownBy(() -> resolve("postgresql://a,b/d", Map.of())).hasMessageContaining("several");
        assertThatThrownBy(() -> resolve("postgresql://h:notaport/d", Map.of())).hasMessageContaining("not a number");
    }

    @Test
    void namedDatabaseComesFromTheOptionOrTheUrl() {
        assertThat(PgConnectionConfig.Given.url("postgresql://h/x").namedDatabase()).contains("x");
        assertThat(PgConnectionConfig.Given.url("postgresql://h").namedDatabase()).isEmpty();
        assertThat(new PgConnectionConfig.Given(null, null, null, null, "y", Map.of()).namedDatabase()).contains("y");
        assertThat(new PgConnectionConfig.Given(null, null, null, null, null, Map.of()).any()).isFalse();
    }

    @Test
    void databaseNamesAreQuotedForArgv() {
        assertThat(PgConnectionConfig.dbnameConninfo("it's a \\ db")).isEqualTo("dbname='it\\'s a \\\\ db'");
    }
}
