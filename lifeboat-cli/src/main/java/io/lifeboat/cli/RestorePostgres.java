package io.lifeboat.cli;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.source.RestoreOutcome;
import io.lifeboat.engine.restore.Restore;
import io.lifeboat.engine.restore.RestoreResult;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.snapshot.Snapshot;
import io.lifeboat.source.postgres.DumpLayout;
import io.lifeboat.source.postgres.DumpMetadata;
import io.lifeboat.source.postgres.PgConnectionConfig;
import io.lifeboat.source.postgres.PostgresLogicalSource;
import io.lifeboat.source.postgres.PostgresRestoreConfig;
import io.lifeboat.source.postgres.PostgresRestoreReport;
import io.lifeboat.source.postgres.PostgresRestoreTarget;
import io.lifeboat.source.postgres.PostgresServerSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code lifeboat restore SNAPSHOT} of a PostgreSQL snapshot: into {@code --target-db} on the
 * server of {@code --url} (default: the server and user that were backed up), then the row counts
 * are compared with the recorded ones. Of a server snapshot ({@code backup postgres
 * --all-databases}), one database ({@code --source-db}) or all of them with the globals.
 */
final class RestorePostgres {
    /** Database to connect to for CREATE DATABASE and the globals; exists on every cluster made by initdb. */
    private static final String MAINTENANCE_DB = "postgres";

    private final CliContext ctx;
    private final GlobalOptions options;
    private final PostgresRestoreOptions pg;

    RestorePostgres(CliContext ctx, GlobalOptions options, PostgresRestoreOptions pg) {
        this.ctx = ctx;
        this.options = options;
        this.pg = pg;
    }

    /** What one run restored: the globals' warnings (server snapshots) and one report per database. */
    private record Restored(List<String> globalsWarnings, List<PostgresRestoreReport> databases) {
        List<String> warnings() {
            List<String> all = new ArrayList<>(globalsWarnings);
            databases.forEach(d -> d.warnings().forEach(w -> all.add(databases.size() > 1 ? d.database() + ": " + w : w)));
            return all;
        }
    }

    int run(Repository repo, Snapshot snapshot) {
        boolean server = Boolean.TRUE.equals(snapshot.metadata().get(PostgresServerSource.ALL_DATABASES));
        List<DumpMetadata> recorded = recorded(snapshot, server);
        DumpLayout layout = server ? DumpLayout.SINGLE : DumpLayout.fromMap(snapshot.metadata());
        List<PostgresRestoreTarget> targets = new ArrayList<>();
        List<PostgresRestoreTarget> checks = new ArrayList<>();
        for (DumpMetadata rec : recorded) {
            PostgresRestoreConfig c = config(rec, layout, server, recorded.size() > 1, pg.dryRun);
            targets.add(new PostgresRestoreTarget(c));
            checks.add(new PostgresRestoreTarget(config(rec, layout, server, recorded.size() > 1, true)));
        }
        ProgressListener progress = ctx.progress(options);
        Restored[] restored = new Restored[1];
        RestoreResult result;
        try {
            result = new Restore(repo).run(snapshot.id().hex(), Optional.of(PostgresLogicalSource.KIND), (root, reader) -> {
                if (targets.size() > 1) {
                    // Refuse before writing anything if any target database is not empty (and no --clean).
                    checks.forEach(c -> c.restoreDatabase(root, reader));
                }
                List<String> globals = pg.allDatabases ? targets.get(0).restoreGlobals(root, reader) : List.of();
                List<PostgresRestoreReport> reports = new ArrayList<>();
                for (PostgresRestoreTarget t : targets) {
                    reports.add(t.restoreDatabase(root, reader));
                }
                restored[0] = new Restored(globals, reports);
                long bytes = reports.stream().mapToLong(PostgresRestoreReport::bytesRead).sum();
                return new RestoreOutcome(reports.stream().mapToLong(r -> r.tables().size()).sum(), 0, 0, bytes,
                        restored[0].warnings());
            }, progress);
        } finally {
            CliContext.finishProgress(progress);
        }
        render(result, restored[0], server);
        return restored[0].warnings().isEmpty() ? 0 : ErrorCode.PARTIAL.exitCode();
    }

    /** The recorded databases to restore, checking the options against the kind of snapshot. */
    @SuppressWarnings("unchecked")
    private List<DumpMetadata> recorded(Snapshot snapshot, boolean server) {
        if (!server) {
            if (pg.sourceDb != null || pg.allDatabases) {
                throw new LifeboatException(ErrorCode.USAGE, "snapshot " + snapshot.id().shortHex()
                        + " holds one database: --source-db and --all-databases apply to server snapshots",
                        "drop them; name the target with --target-db NAME");
            }
            return List.of(DumpMetadata.fromMap(snapshot.metadata()));
        }
        List<DumpMetadata> all = new ArrayList<>();
        for (Object o : (List<Object>) snapshot.metadata().getOrDefault("databases", List.of())) {
            all.add(DumpMetadata.fromMap((Map<String, Object>) o));
        }
        List<String> names = all.stream().map(DumpMetadata::database).toList();
        if (pg.allDatabases) {
            if (pg.sourceDb != null || pg.targetDb != null || !pg.tables.isEmpty() || !pg.schemas.isEmpty()) {
                throw new LifeboatException(ErrorCode.USAGE, "--all-databases restores every database under its own name",
                        "to restore one database elsewhere, use --source-db NAME --target-db NEW_NAME");
            }
            return all;
        }
        if (pg.sourceDb == null) {
            throw new LifeboatException(ErrorCode.USAGE, "snapshot " + snapshot.id().shortHex() + " holds a whole server ("
                    + String.join(", ", names) + ")", "pass --source-db NAME for one database, or --all-databases");
        }
        return all.stream().filter(d -> d.database().equals(pg.sourceDb)).findFirst().map(List::of)
                .orElseThrow(() -> LifeboatException.notFound("database " + pg.sourceDb + " in snapshot "
                        + snapshot.id().shortHex(), "the snapshot holds: " + String.join(", ", names)));
    }

    private PostgresRestoreConfig config(DumpMetadata rec, DumpLayout layout, boolean server, boolean several,
            boolean dryRun) {
        PgConnectionConfig.Given given = pg.connection.given();
        PgConnectionConfig target = given.any() ? PgConnectionConfig.resolve(given, ctx.env)
                : PgConnectionConfig.resolve(new PgConnectionConfig.Given(null, rec.host(), rec.port(), rec.user(),
                        rec.database(), Map.of()), ctx.env);
        String database = several ? rec.database()
                : pg.targetDb != null ? pg.targetDb : given.namedDatabase().orElse(rec.database());
        return new PostgresRestoreConfig(target.withDatabase(MAINTENANCE_DB),
                pg.connection.password(target.withDatabase(database), ctx.env), database, pg.clean, dryRun,
                pg.tables, pg.schemas, pg.noOwner, pg.connection.tools(ctx.env), rec, server ? rec.database() : null,
                layout, pg.jobs);
    }

    private void render(RestoreResult result, Restored restored, boolean server) {
        String id = result.snapshot().id().hex();
        if (options.json) {
            Map<String, Object> m;
            if (server && pg.allDatabases) {
                m = new LinkedHashMap<>();
                m.put("snapshot", id);
                m.put("source", PostgresLogicalSource.KIND);
                m.put("dry_run", pg.dryRun);
                m.put("globals_warnings", restored.globalsWarnings());
                m.put("databases", restored.databases().stream().map(r -> json(id, r, result)).toList());
                m.put("mismatches", restored.databases().stream().mapToLong(PostgresRestoreReport::mismatches).sum());
                m.put("duration_ms", result.durationMillis());
                m.put("warnings", restored.warnings());
            } else {
                m = json(id, restored.databases().get(0), result);
            }
            Output.json(ctx.out, m);
            return;
        }
        restored.databases().forEach(d -> d.notes().forEach(n -> ctx.err.println("note: " + n)));
        restored.warnings().forEach(w -> ctx.err.println("warning: " + w));
        if (server && pg.allDatabases) {
            ctx.out.printf("%s the globals (roles, tablespaces) of snapshot %s%n", pg.dryRun ? "would apply" : "applied",
                    result.snapshot().id().shortHex());
        }
        for (PostgresRestoreReport r : restored.databases()) {
            text(result, r);
        }
        if (!restored.globalsWarnings().isEmpty()) {
            ctx.out.printf("applying the globals reported errors (exit code %d); see the warnings above%n",
                    ErrorCode.PARTIAL.exitCode());
        }
    }

    private static Map<String, Object> json(String id, PostgresRestoreReport r, RestoreResult result) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("snapshot", id);
        m.put("source", PostgresLogicalSource.KIND);
        m.put("server", r.server());
        m.put("database", r.database());
        m.put("created", r.created());
        m.put("clean", r.clean());
        m.put("dry_run", r.dryRun());
        List<Map<String, Object>> tables = new ArrayList<>();
        for (PostgresRestoreReport.TableCheck t : r.tables()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("schema", t.schema());
            x.put("name", t.name());
            x.put("recorded_rows", t.recorded());
            x.put("restored_rows", r.dryRun() ? null : t.restored());
            x.put("ok", r.dryRun() ? null : t.matches());
            tables.add(x);
        }
        m.put("tables", tables);
        m.put("rows_restored", r.rowsRestored());
        m.put("mismatches", r.mismatches());
        m.put("bytes_read", r.bytesRead());
        m.put("client_version", r.clientVersion());
        m.put("data_parts", r.dataParts());
        m.put("jobs", r.jobs());
        m.put("duration_ms", result.durationMillis());
        m.put("notes", r.notes());
        m.put("warnings", r.warnings());
        return m;
    }

    private void text(RestoreResult result, PostgresRestoreReport r) {
        long recordedRows = r.tables().stream().mapToLong(PostgresRestoreReport.TableCheck::recorded).sum();
        if (r.dryRun()) {
            ctx.out.printf("dry run: would %s database %s on %s and restore %d table(s), %d rows recorded, from snapshot %s%n",
                    r.created() ? "create" : r.clean() ? "clean and restore into" : "restore into", r.database(),
                    r.server(), r.tables().size(), recordedRows, result.snapshot().id().shortHex());
            r.tables().forEach(t -> ctx.out.printf("  %s.%s: %d rows%n", t.schema(), t.name(), t.recorded()));
            if (r.dataParts() > 0) {
                ctx.out.printf("  the dump is in %d data parts: %d pg_restore at a time%n", r.dataParts(), r.jobs());
            }
            return;
        }
        ctx.out.printf("restored snapshot %s into database %s on %s%s: %d table(s), %d rows, %s read in %.1fs%n",
                result.snapshot().id().shortHex(), r.database(), r.server(), r.created() ? " (created)" : "",
                r.tables().size(), r.rowsRestored(), Sizes.human(r.bytesRead()), result.durationMillis() / 1000.0);
        if (r.dataParts() > 0) {
            ctx.out.printf("  %d data parts, %d pg_restore at a time%n", r.dataParts(), r.jobs());
        }
        if (r.mismatches() == 0) {
            ctx.out.printf("row counts equal the backup's for all %d table(s)%n", r.tables().size());
        } else {
            ctx.out.printf("%d table(s) differ from the row counts recorded at backup time (exit code %d)%n",
                    r.mismatches(), ErrorCode.PARTIAL.exitCode());
        }
        if (!r.warnings().isEmpty() && r.mismatches() == 0) {
            ctx.out.printf("pg_restore reported errors (exit code %d); see the warnings above%n", ErrorCode.PARTIAL.exitCode());
        }
    }
}
