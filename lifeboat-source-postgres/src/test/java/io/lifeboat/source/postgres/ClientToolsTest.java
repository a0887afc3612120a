package io.lifeboat.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Picks client programs from a fake Debian layout of scripts that print a version. */
class ClientToolsTest {
    @TempDir
    Path root;

    private void install(int major) throws IOException {
        Path bin = Files.createDirectories(root.resolve(Integer.toString(major)).resolve("bin"));
        Path exe = bin.resolve("pg_dump");
        Files.writeString(exe, "#!/bin/sh\necho 'pg_dump (PostgreSQL) " + major + ".3 (Debian " + major + ".3-1)'\n");
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void prefersTheServersMajorVersionThenTheOldestNewerOne() throws IOException {
        install(14);
        install(15);
        install(17);
        install(16);
        ClientTools.Config config = new ClientTools.Config(null, root);
        assertThat(ClientTools.forServer(config, 15, "pg_dump").major()).isEqualTo(15);
        ClientTools newer = ClientTools.forServer(config, 13, "pg_dump");
        assertThat(newer.major()).isEqualTo(14);
        assertThat(newer.program("pg_dump")).isEqualTo(root.resolve("14/bin/pg_dump"));
        assertThat(newer.version()).isEqualTo("pg_dump (PostgreSQL) 14.3 (Debian 14.3-1)");
    }

    @Test
    void onlyOlderClientsAreRefusedNamingThePackage() throws IOException {
        install(13);
        assertThatThrownBy(() -> ClientTools.forServer(new ClientTools.Config(null, root), 15, "pg_dump"))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.REFUSED);
                    assertThat(e.hint()).contains("apt-get install postgresql-client-15");
                });
        assertThatThrownBy(() -> ClientTools.forServer(new ClientTools.Config(root.resolve("13/bin"), root), 15, "pg_dump"))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.REFUSED);
                    assertThat(e.getMessage()).contains("PostgreSQL 13", "older than the server (15)");
                });
    }

    @Test
    void noClientAtAllIsASourceErrorNamingThePackage() {
        assertThatThrownBy(() -> ClientTools.forServer(new ClientTools.Config(null, root.resolve("missing")), 16, "pg_restore"))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_ERROR);
                    assertThat(e.getMessage()).contains("pg_restore for PostgreSQL 16 not found");
                    assertThat(e.hint()).contains("postgresql-client-16", "--pg-bin");
                });
    }

    @Test
    void versionLinesParse() {
        assertThat(ClientTools.parseMajor("pg_dump (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)")).contains(15);
        assertThat(ClientTools.parseMajor("pg_restore (PostgreSQL) 9.6.24")).contains(9);
        assertThat(ClientTools.parseMajor("pg_dump (PostgreSQL) 17devel")).contains(17);
        assertThat(ClientTools.parseMajor("something else")).isEmpty();
    }
}
