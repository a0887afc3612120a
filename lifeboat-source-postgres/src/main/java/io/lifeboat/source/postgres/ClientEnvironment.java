package io.lifeboat.source.postgres;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * The environment of a libpq child process (pg_dump, pg_restore). Connection parameters go in
 * {@code PG*} variables, the password in a temporary pgpass file readable only by us (mode 0600,
 * in a 0700 directory) named by {@code PGPASSFILE}: never on argv, where every user of the
 * machine can read it. Inherited {@code PG*} variables are removed so the child connects exactly
 * where we did. Messages are in English ({@code LC_MESSAGES=C}) so they can be recognised.
 * Close it to delete the password file.
 */
final class ClientEnvironment implements AutoCloseable {
    private final PgConnectionConfig connection;
    private final Path dir;
    private final Path passFile;

    private ClientEnvironment(PgConnectionConfig connection, Path dir, Path passFile) {
        this.connection = connection;
        this.dir = dir;
        this.passFile = passFile;
    }

    static ClientEnvironment create(PgConnectionConfig connection, PgPassword password) {
        if (password == null) {
            return new ClientEnvironment(connection, null, null);
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("lifeboat-pg-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path file = dir.resolve("pgpass");
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            String escaped = password.reveal().replace("\\", "\\\\").replace(":", "\\:");
            Files.writeString(file, "*:*:*:*:" + escaped + "\n", StandardCharsets.UTF_8, StandardOpenOption.WRITE);
            return new ClientEnvironment(connection, dir, file);
        } catch (IOException e) {
            deleteQuietly(dir);
            throw new LifeboatException(ErrorCode.SOURCE_ERROR, "cannot create a private password file for pg_dump/pg_restore: "
                    + e.getMessage(), "check that the temporary directory (java.io.tmpdir) is writable", e);
        }
    }

    /** Sets up {@code env} (a {@link ProcessBuilder#environment()}) to connect to {@code database}. */
    void apply(Map<String, String> env, String database) {
        env.keySet().removeIf(k -> k.startsWith("PG"));
        env.putAll(connection.withDatabase(database).libpqEnvironment());
        env.put("LC_MESSAGES", "C");
        env.remove("LANGUAGE");
        if (passFile != null) {
            env.put("PGPASSFILE", passFile.toString());
        }
    }

    @Override
    public void close() {
        deleteQuietly(dir);
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try {
            Files.deleteIfExists(dir.resolve("pgpass"));
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the temporary password file in " + dir, e);
        }
    }
}
