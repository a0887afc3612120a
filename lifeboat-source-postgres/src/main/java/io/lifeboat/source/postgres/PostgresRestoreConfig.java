package io.lifeboat.source.postgres;

import java.util.List;
import java.util.Objects;

/**
 * Where and how to restore a logical backup.
 *
 * @param server the target server and user; its database is only used to connect for
 *     {@code CREATE DATABASE} ({@code postgres} by convention)
 * @param password the target's password, or {@code null}
 * @param database the database to restore into: created when missing; an existing one that holds
 *     anything is only written with {@code clean}
 * @param clean drop the dumped objects before re-creating them ({@code pg_restore --clean --if-exists})
 * @param dryRun check the target and report what would happen, change nothing
 * @param tables restore only these tables (names, as {@code pg_restore --table}); empty: all
 * @param schemas restore only these schemas ({@code pg_restore --schema}); empty: all
 * @param noOwner do not restore object ownership (for servers without the original roles)
 * @param recorded what the backup recorded: row counts to verify, encoding and locale for the new database
 * @param sourceDatabase in a server snapshot ({@link PostgresServerSource}), the database whose dump to
 *     restore; {@code null} for a one-database snapshot
 * @param layout how the dump is stored: one stream, or a schema part and data parts ({@code backup --jobs})
 * @param jobs how many data parts to restore at once (one pg_restore each); a dump in one stream
 *     restores with one pg_restore whatever this is
 */
public record PostgresRestoreConfig(
        PgConnectionConfig server,
        PgPassword password,
        String database,
        boolean clean,
        boolean dryRun,
        List<String> tables,
        List<String> schemas,
        boolean noOwner,
        ClientTools.Config tools,
        DumpMetadata recorded,
        String sourceDatabase,
        DumpLayout layout,
        int jobs) {

    public PostgresRestoreConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(tools, "tools");
        Objects.requireNonNull(recorded, "recorded");
        if (database.isEmpty()) {
            throw PgConnectionConfig.usage("empty target database name", "pass --target-db NAME");
        }
        Objects.requireNonNull(layout, "layout");
        if (jobs < 1 || jobs > PostgresSourceConfig.MAX_JOBS) {
            throw PgConnectionConfig.usage("--jobs must be between 1 and " + PostgresSourceConfig.MAX_JOBS + ", not "
                    + jobs, "pick about the number of CPU cores the target server can spare");
        }
        tables = List.copyOf(tables);
        schemas = List.copyOf(schemas);
    }

    /** Whether a recorded table is part of the selection. */
    boolean selects(DumpMetadata.TableCount t) {
        return (tables.isEmpty() || tables.contains(t.name())) && (schemas.isEmpty() || schemas.contains(t.schema()));
    }
}
