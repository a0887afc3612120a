package io.lifeboat.cli;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.storage.RequestCounts;
import io.lifeboat.core.source.Source;
import io.lifeboat.engine.backup.Backup;
import io.lifeboat.engine.backup.BackupOptions;
import io.lifeboat.engine.backup.BackupResult;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.snapshot.SnapshotStats;
import io.lifeboat.source.postgres.DumpMetadata;
import io.lifeboat.source.postgres.PostgresLogicalSource;
import io.lifeboat.source.postgres.PostgresServerSource;
import io.lifeboat.source.postgres.PostgresSourceConfig;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lifeboat backup postgres --url …}: a logical backup of one database. */
@Command(name = "postgres", description = {
        "Back up one PostgreSQL database: pg_dump (custom format, uncompressed) in an exported snapshot, streamed into the repository, with exact row counts per table taken in the same snapshot.",
        "The password comes from --pg-password-file, $PGPASSWORD or ~/.pgpass, never from the command line."})
final class BackupPostgresCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    GlobalOptions options;

    @Mixin
    PgConnectionOptions pg;

    @Option(names = "--tag", paramLabel = "TAG", description = "Tag the snapshot (repeatable).")
    List<String> tags = new ArrayList<>();

    @Option(names = "--all-databases", description = "Back up the whole server: globals (roles, tablespaces) with pg_dumpall --globals-only, then every database, each in its own exported snapshot.")
    boolean allDatabases;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "logical", description = "logical (pg_dump, default) or physical (pg_basebackup of the whole server, for point-in-time recovery with the WAL archive: 'lifeboat wal').")
    String mode;

    @Option(names = "--wal-timeout", paramLabel = "DURATION", defaultValue = "5m", description = "Physical: how long to wait for the backup's WAL to be archived before failing (default: ${DEFAULT-VALUE}).")
    String walTimeout;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N", defaultValue = "1", description = "Dump with N pg_dump processes at once, all in the same exported snapshot: a schema part plus up to N data parts over disjoint table sets balanced by size (default: ${DEFAULT-VALUE}: one stream). A table is never split. Restore the parts in parallel with 'restore --jobs'.")
    int jobs = 1;

    BackupPostgresCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (jobs != 1 && (allDatabases || !"logical".equals(mode))) {
            throw new LifeboatException(ErrorCode.USAGE, "--jobs applies to logical backups of one database",
                    "drop --jobs, or back up the databases one by one with 'backup postgres --url …/DB --jobs N'");
        }
        if (BackupPostgresPhysical.requested(mode, allDatabases)) {
            return new BackupPostgresPhysical(ctx, options, pg, tags, Durations.parse(walTimeout, "--wal-timeout")).run();
        }
        PostgresSourceConfig base = pg.sourceConfig(ctx.env, allDatabases);
        PostgresSourceConfig config = new PostgresSourceConfig(base.connection(), base.password(), base.tools(), jobs);
        Source source = allDatabases ? new PostgresServerSource(config, Clock.systemUTC()) : new PostgresLogicalSource(config);
        ProgressListener progress = ctx.progress(options);
        BackupResult result;
        Optional<RequestCounts> requests;
        try (Repository repo = ctx.open(options)) {
            result = new Backup(repo, ctx.version).run(source, new BackupOptions(tags, false, null), progress);
            requests = repo.storage().requestCounts();
        } finally {
            CliContext.finishProgress(progress);
        }
        render(result, requests);
        return 0;
    }

    private void render(BackupResult result, Optional<RequestCounts> requests) {
        result.staleLocks().forEach(l -> ctx.err.println("warning: " + l + " (remove with 'lifeboat unlock')"));
        if (options.json) {
            Map<String, Object> m = SnapshotJson.backup(result);
            m.put("storage_requests", RequestsJson.of(requests));
            Output.json(ctx.out, m);
            return;
        }
        SnapshotStats st = result.snapshot().stats();
        Map<String, Object> md = result.snapshot().metadata();
        ctx.out.printf("snapshot %s saved%n", result.snapshot().id().shortHex());
        if (allDatabases) {
            List<?> dbs = (List<?>) md.get("databases");
            ctx.out.printf("  server %s:%s (PostgreSQL %s): globals and %d database(s), %s rows%n", md.get("host"),
                    md.get("port"), md.get("server_version"), dbs.size(), md.get("total_rows"));
        } else {
            DumpMetadata meta = DumpMetadata.fromMap(md);
            ctx.out.printf("  database %s on %s:%d (PostgreSQL %s): %d tables, %d rows, %s on disk%n", meta.database(),
                    meta.host(), meta.port(), meta.serverVersion(), meta.tables().size(), meta.totalRows(),
                    Sizes.human(meta.databaseSize()));
        }
        if (md.get("parts") instanceof List<?> parts) {
            ctx.out.printf("  in %d parts (schema and %d data parts) by %s pg_dump processes%n", parts.size(),
                    parts.size() - 1, md.get("jobs"));
        }
        ctx.out.printf("  dump: %s, added: %s (%s stored) in %d new blobs, %.1fs%n", Sizes.human(st.bytesRead()),
                Sizes.human(st.bytesAdded()), Sizes.human(st.storedBytesAdded()), st.blobsAdded(),
                st.durationMillis() / 1000.0);
        RequestsJson.line(requests).ifPresent(l -> ctx.out.println("  storage requests: " + l));
    }
}
