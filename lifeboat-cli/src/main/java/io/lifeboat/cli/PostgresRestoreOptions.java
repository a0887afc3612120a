package io.lifeboat.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of {@code restore} that apply to PostgreSQL snapshots. */
final class PostgresRestoreOptions {
    @Mixin
    PgConnectionOptions connection;

    @Option(names = "--target-db", paramLabel = "NAME", description = "PostgreSQL: database to restore into, created if missing (default: the database in --url, else the original one).")
    String targetDb;

    @Option(names = "--clean", description = "PostgreSQL: restore into an existing, non-empty database, dropping the backed-up objects first.")
    boolean clean;

    @Option(names = "--dry-run", description = "PostgreSQL: check the target and show what would be restored; change nothing.")
    boolean dryRun;

    @Option(names = "--table", paramLabel = "NAME", description = "PostgreSQL: restore only this table (repeatable; as pg_restore --table).")
    List<String> tables = new ArrayList<>();

    @Option(names = "--schema", paramLabel = "NAME", description = "PostgreSQL: restore only this schema (repeatable; as pg_restore --schema).")
    List<String> schemas = new ArrayList<>();

    @Option(names = "--source-db", paramLabel = "NAME", description = "PostgreSQL server snapshot (backup --all-databases): restore this database of it.")
    String sourceDb;

    @Option(names = "--all-databases", description = "PostgreSQL server snapshot: restore the globals (roles, tablespaces) and every database under its own name.")
    boolean allDatabases;

    @Option(names = "--no-owner", description = "PostgreSQL: do not restore object ownership (when the original roles do not exist).")
    boolean noOwner;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N", defaultValue = "1", description = "PostgreSQL: restore the data parts of a snapshot taken with 'backup postgres --jobs' with N pg_restore processes at once (default: ${DEFAULT-VALUE}). A snapshot taken without --jobs is one stream and restores with one pg_restore.")
    int jobs = 1;

    /** Whether any PostgreSQL option was given. */
    boolean requested() {
        return targetDb != null || sourceDb != null || allDatabases || clean || dryRun || !tables.isEmpty() || !schemas.isEmpty() || noOwner || jobs != 1
                || connection.given().any() || connection.passwordFile != null || connection.pgBin != null;
    }
}
