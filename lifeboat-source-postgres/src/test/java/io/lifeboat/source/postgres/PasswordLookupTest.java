package io.lifeboat.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordLookupTest {
    private static final PgConnectionConfig DB = new PgConnectionConfig("db1", 5432, "app", "rag", Map.of());

    @TempDir
    Path tmp;

    @Test
    void firstMatchingPgpassLineWinsWithWildcardsAndEscapes() {
        List<String> lines = List.of("# comment", "db2:5432:*:app:other", "db1:5432:rag:admin:not-app",
                "db1:*:rag:app:pa\\:ss\\\\word", "*:*:*:*:fallback");
        assertThat(PasswordLookup.match(lines, DB)).contains("pa:ss\\word");
        assertThat(PasswordLookup.match(lines, DB.withDatabase("other"))).contains("fallback");
        assertThat(PasswordLookup.match(List.of("db1:5432:rag:app"), DB)).isEmpty();
    }

    @Test
    void fileBeatsEnvironmentWhichBeatsPgpass() throws IOException {
        Path file = Files.writeString(tmp.resolve("pw"), "from-file\nignored\n");
        Path pgpass = Files.writeString(tmp.resolve("pgpass"), "*:*:*:*:from-pgpass\n");
        Map<String, String> env = Map.of("PGPASSWORD", "from-env", "PGPASSFILE", pgpass.toString());
        assertThat(PasswordLookup.find(file, DB, env).map(PgPassword::reveal)).contains("from-file");
        assertThat(PasswordLookup.find(null, DB, env).map(PgPassword::reveal)).contains("from-env");
        assertThat(PasswordLookup.find(null, DB, Map.of("PGPASSFILE", pgpass.toString())).map(PgPassword::reveal)).contains("from-pgpass");
        assertThat(PasswordLookup.find(null, DB, Map.of("HOME", tmp.toString()))).isEmpty();
    }

    @Test
    void passwordsPrintAsStarsAndAreScrubbedFromMessages() {
        PgPassword p = PgPassword.of("s3cret");
        assertThat(p.toString()).isEqualTo("***");
        assertThat(p.scrub("FATAL: bad s3cret here")).isEqualTo("FATAL: bad *** here");
    }
}
