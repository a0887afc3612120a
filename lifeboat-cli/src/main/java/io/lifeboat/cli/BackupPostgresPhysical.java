package io.lifeboat.cli;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.engine.backup.Backup;
import io.lifeboat.engine.backup.BackupOptions;
import io.lifeboat.engine.backup.BackupResult;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.snapshot.Snapshot;
import io.lifeboat.repository.snapshot.SnapshotStats;
import io.lifeboat.repository.wal.WalArchive;
import io.lifeboat.source.postgres.PhysicalBackupConfig;
import io.lifeboat.source.postgres.PostgresPhysicalSource;
import io.lifeboat.source.postgres.PostgresSourceConfig;
import io.lifeboat.source.postgres.physical.WalCoverage;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** {@code lifeboat backup postgres --mode physical}: a base backup committed once its WAL is archived. */
final class BackupPostgresPhysical {
    private final CliContext ctx;
    private final GlobalOptions options;
    private final PgConnectionOptions pg;
    private final List<String> tags;
    private final Duration walTimeout;

    BackupPostgresPhysical(CliContext ctx, GlobalOptions options, PgConnectionOptions pg, List<String> tags, Duration walTimeout) {
        this.ctx = ctx;
        this.options = options;
        this.pg = pg;
        this.tags = tags;
        this.walTimeout = walTimeout;
    }

    static boolean requested(String mode, boolean allDatabases) {
        return switch (mode) {
            case "logical" -> false;
            case "physical" -> {
                if (allDatabases) {
                    throw new LifeboatException(ErrorCode.USAGE, "--all-databases is for logical backups",
                            "a physical backup always holds the whole server: drop --all-databases");
                }
                yield true;
            }
            default -> throw new LifeboatException(ErrorCode.USAGE, "unknown --mode '" + mode + "'",
                    "use --mode logical (pg_dump) or --mode physical (pg_basebackup)");
        };
    }

    /**
     * pg_basebackup starts (connection, checkpoint) while the repository opens (key derivation,
     * index); the stream is read once the repository is open.
     */
    int run() {
        PostgresSourceConfig source = pg.sourceConfig(ctx.env, true);
        ProgressListener progress = ctx.progress(options);
        RepositoryWal coverage = new RepositoryWal();
        BackupResult result;
        try (PostgresPhysicalSource s = new PostgresPhysicalSource(new PhysicalBackupConfig(source, coverage, walTimeout),
                Clock.systemUTC())) {
            s.begin();
            try (Repository repo = ctx.open(options)) {
                coverage.open(repo);
                result = new Backup(repo, ctx.version).run(s, new BackupOptions(tags, false, null), progress);
            }
        } finally {
            CliContext.finishProgress(progress);
        }
        render(result);
        return 0;
    }

    /** The repository's WAL archive and the system ids of its base backups, once it is open. */
    private static final class RepositoryWal implements WalCoverage {
        private volatile Repository repo;
        private volatile WalArchive wal;

        void open(Repository r) {
            wal = new WalArchive(r.storage(), r.codec());
            repo = r;
        }

        @Override
        public Set<String> systemIds() {
            Set<String> ids = new TreeSet<>(wal.systemIds());
            for (Snapshot s : repo.snapshots()) {
                if (s.sourceKind().equals(PostgresPhysicalSource.KIND)
                        && s.metadata().get("system_identifier") instanceof String id) {
                    ids.add(id);
                }
            }
            return ids;
        }

        @Override
        public boolean contains(String systemId, String name) {
            return wal.contains(systemId, name);
        }
    }

    private void render(BackupResult result) {
        if (SnapshotJson.printedAsJson(ctx, options, result)) {
            return;
        }
        SnapshotStats st = result.snapshot().stats();
        Map<String, Object> md = result.snapshot().metadata();
        ctx.out.printf("snapshot %s saved%n", result.snapshot().id().shortHex());
        ctx.out.printf("  base backup of %s:%s (PostgreSQL %s, system %s, timeline %s): WAL %s to %s%n", md.get("host"),
                md.get("port"), md.get("server_version"), md.get("system_identifier"), md.get("timeline"),
                md.get("start_lsn"), md.get("stop_lsn"));
        ctx.out.printf("  %d files, %s read, added: %s (%s stored) in %d new blobs, %.1fs%n", st.files(),
                Sizes.human(st.bytesRead()), Sizes.human(st.bytesAdded()), Sizes.human(st.storedBytesAdded()),
                st.blobsAdded(), st.durationMillis() / 1000.0);
    }
}
