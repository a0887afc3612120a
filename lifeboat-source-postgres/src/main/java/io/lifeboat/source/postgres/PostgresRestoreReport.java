package io.lifeboat.source.postgres;

import java.util.List;

/**
 * What a database restore did (or, on a dry run, would do), and how the restored row counts
 * compare with the counts recorded at backup time.
 *
 * @param server {@code host:port} of the target
 * @param created whether the database was (or would be) created
 * @param tables one check per selected recorded table; {@code restored} is -1 when the table is
 *     missing after the restore, or on a dry run
 * @param bytesRead dump bytes fed to pg_restore (a dump in parts feeds its schema part twice)
 * @param dataParts the data parts of a dump taken with {@code --jobs}; 0 for a dump in one stream
 * @param jobs how many pg_restore processes restored data parts at once (1 for a dump in one stream)
 * @param notes what the user should know that is not a failure (e.g. {@code --jobs} had no effect)
 * @param warnings pg_restore errors and row-count mismatches: a non-empty list makes the restore partial
 */
public record PostgresRestoreReport(
        String server,
        String database,
        boolean created,
        boolean clean,
        boolean dryRun,
        List<TableCheck> tables,
        long bytesRead,
        String clientVersion,
        int dataParts,
        int jobs,
        List<String> notes,
        List<String> warnings) {

    public PostgresRestoreReport {
        tables = List.copyOf(tables);
        notes = List.copyOf(notes);
        warnings = List.copyOf(warnings);
    }

    /** One table: rows recorded in the snapshot versus rows found after the restore. */
    public record TableCheck(String schema, String name, long recorded, long restored) {
        public boolean matches() {
            return recorded == restored;
        }
    }

    public long mismatches() {
        return dryRun ? 0 : tables.stream().filter(t -> !t.matches()).count();
    }

    public long rowsRestored() {
        return tables.stream().mapToLong(t -> Math.max(0, t.restored())).sum();
    }
}
