package io.lifeboat.cli;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.engine.restore.Restore;
import io.lifeboat.engine.restore.RestoreResult;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.snapshot.Snapshot;
import io.lifeboat.source.postgres.DumpMetadata;
import io.lifeboat.source.postgres.PgConnectionConfig;
import io.lifeboat.source.postgres.PostgresLogicalSource;
import io.lifeboat.source.postgres.PostgresRestoreConfig;
import io.lifeboat.source.postgres.PostgresRestoreReport;
import io.lifeboat.source.postgres.PostgresRestoreTarget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code lifeboat restore SNAPSHOT} of a PostgreSQL snapshot: into {@code --target-db} on the
 * server of {@code --url} (default: the server and user that were backed up), then the row counts
 * are compared with the recorded ones.
 */
final class RestorePostgres {
    /** Database to connect to for CREATE DATABASE; exists on every cluster made by initdb. */
    private static final String MAINTENANCE_DB = "postgres";

    private final CliContext ctx;
    private final GlobalOptions options;
    private final PostgresRestoreOptions pg;

    RestorePostgres(CliContext ctx, GlobalOptions options, PostgresRestoreOptions pg) {
        this.ctx = ctx;
        this.options = options;
        this.pg = pg;
    }

    int run(Repository repo, Snapshot snapshot) {
        DumpMetadata recorded = DumpMetadata.fromMap(snapshot.metadata());
        PgConnectionConfig.Given given = pg.connection.given();
        PgConnectionConfig server = given.any() ? PgConnectionConfig.resolve(given, ctx.env)
                : PgConnectionConfig.resolve(new PgConnectionConfig.Given(null, recorded.host(), recorded.port(),
                        recorded.user(), recorded.database(), Map.of()), ctx.env);
        String database = pg.targetDb != null ? pg.targetDb : given.namedDatabase().orElse(recorded.database());
        PostgresRestoreConfig config = new PostgresRestoreConfig(server.withDatabase(MAINTENANCE_DB),
                pg.connection.password(server.withDatabase(database), ctx.env), database, pg.clean, pg.dryRun,
                pg.tables, pg.schemas, pg.noOwner, pg.connection.tools(ctx.env), recorded);
        PostgresRestoreTarget target = new PostgresRestoreTarget(config);
        AtomicReference<PostgresRestoreReport> report = new AtomicReference<>();
        ProgressListener progress = ctx.progress(options);
        RestoreResult result;
        try {
            result = new Restore(repo).run(snapshot.id().hex(), Optional.of(PostgresLogicalSource.KIND), (root, reader) -> {
                PostgresRestoreReport r = target.restoreDatabase(root, reader);
                report.set(r);
                return new io.lifeboat.core.source.RestoreOutcome(r.tables().size(), 0, 0, r.bytesRead(), r.warnings());
            }, progress);
        } finally {
            CliContext.finishProgress(progress);
        }
        render(result, report.get());
        return report.get().warnings().isEmpty() ? 0 : ErrorCode.PARTIAL.exitCode();
    }

    private void render(RestoreResult result, PostgresRestoreReport r) {
        String id = result.snapshot().id().hex();
        if (options.json) {
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
            m.put("duration_ms", result.durationMillis());
            m.put("warnings", r.warnings());
            Output.json(ctx.out, m);
            return;
        }
        long recordedRows = r.tables().stream().mapToLong(PostgresRestoreReport.TableCheck::recorded).sum();
        if (r.dryRun()) {
            ctx.out.printf("dry run: would %s database %s on %s and restore %d table(s), %d rows recorded, from snapshot %s%n",
                    r.created() ? "create" : r.clean() ? "clean and restore into" : "restore into", r.database(),
                    r.server(), r.tables().size(), recordedRows, result.snapshot().id().shortHex());
            r.tables().forEach(t -> ctx.out.printf("  %s.%s: %d rows%n", t.schema(), t.name(), t.recorded()));
            return;
        }
        r.warnings().forEach(w -> ctx.err.println("warning: " + w));
        ctx.out.printf("restored snapshot %s into database %s on %s%s: %d table(s), %d rows, %s read in %.1fs%n",
                result.snapshot().id().shortHex(), r.database(), r.server(), r.created() ? " (created)" : "",
                r.tables().size(), r.rowsRestored(), Sizes.human(r.bytesRead()), result.durationMillis() / 1000.0);
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
