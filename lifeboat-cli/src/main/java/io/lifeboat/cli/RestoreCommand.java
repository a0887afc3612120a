package io.lifeboat.cli;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.engine.restore.Restore;
import io.lifeboat.engine.restore.RestoreResult;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.snapshot.Snapshot;
import io.lifeboat.source.files.FilesRestoreTarget;
import io.lifeboat.source.files.FilesRestoreTargetConfig;
import io.lifeboat.source.files.OverwritePolicy;
import io.lifeboat.source.postgres.PostgresLogicalSource;
import io.lifeboat.source.qdrant.QdrantSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lifeboat restore SNAPSHOT --target DIR} restores a files snapshot;
 * {@code lifeboat restore SNAPSHOT --target-db NAME} a PostgreSQL one ({@link RestorePostgres}).
 * The snapshot's source kind decides which options apply.
 */
@Command(name = "restore", subcommands = RestorePostgresCommand.class, description = {
        "Restore a snapshot. Files: into a directory (--target); content, mode, mtime and symlinks are restored, ownership too when run as root.",
        "PostgreSQL: into a database (--target-db, created if missing) with pg_restore, then the row counts are checked against the backup's.",
        "Qdrant: uploaded to --qdrant-url (default: the server backed up) into --collection (default: the original name), then the point count and sampled points are checked."})
final class RestoreCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    GlobalOptions options;

    @Parameters(paramLabel = "SNAPSHOT", arity = "0..1", description = "Snapshot id, unique prefix, or 'latest'.")
    String snapshot;

    @Option(names = {"-t", "--target"}, paramLabel = "DIR", description = "Files: directory to restore into (created if missing).")
    Path target;

    @Option(names = {"-i", "--include"}, paramLabel = "PATH", description = "Restore only this path of the snapshot (repeatable).")
    List<String> includes = new ArrayList<>();

    @Option(names = "--overwrite", paramLabel = "POLICY", defaultValue = "ALWAYS",
            description = "What to do with existing files: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    OverwritePolicy overwrite;

    @Mixin
    PostgresRestoreOptions pg;

    @Mixin
    QdrantRestoreOptions qdrant;

    @Spec
    CommandSpec spec;

    RestoreCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (snapshot == null) {
            // Optional for picocli only, so that 'restore postgres' (a subcommand) parses.
            throw new LifeboatException(ErrorCode.USAGE, "Missing required parameter: 'SNAPSHOT'",
                    "name a snapshot id, a unique prefix or 'latest'; PostgreSQL physical backups: 'lifeboat restore postgres'");
        }
        if (target != null && pg.requested()) {
            throw new LifeboatException(ErrorCode.USAGE, "--target (files) and PostgreSQL restore options do not go together",
                    "restore a files snapshot with --target DIR, a PostgreSQL snapshot with --target-db NAME");
        }
        if (qdrant.requested() && (target != null || pg.requested())) {
            throw new LifeboatException(ErrorCode.USAGE, "Qdrant restore options do not go with --target or PostgreSQL options",
                    "restore a Qdrant snapshot with --qdrant-url URL [--collection NAME] [--priority P]");
        }
        // The options name the kind 'latest' means; an id names its own kind, checked below.
        Optional<String> kind = !snapshot.equals("latest") ? Optional.empty() : target != null ? Optional.of("files")
                : pg.requested() ? Optional.of(PostgresLogicalSource.KIND)
                : qdrant.requested() ? Optional.of(QdrantSource.KIND) : Optional.empty();
        try (Repository repo = ctx.open(options)) {
            Snapshot s = repo.findSnapshot(snapshot, kind);
            if (s.sourceKind().equals(QdrantSource.KIND)) {
                if (target != null || pg.requested() || !includes.isEmpty()) {
                    throw new LifeboatException(ErrorCode.USAGE, "snapshot " + s.id().shortHex()
                            + " is a Qdrant backup: --target, --include and PostgreSQL options do not apply",
                            "use --qdrant-url URL, --collection NAME, --priority snapshot|replica|no_sync");
                }
                return new RestoreQdrant(ctx, options, qdrant).run(repo, s);
            }
            if (qdrant.requested()) {
                throw new LifeboatException(ErrorCode.USAGE, "snapshot " + s.id().shortHex() + " is a " + s.sourceKind()
                        + " backup: --qdrant-url, --collection, --priority and --api-key-file apply to Qdrant snapshots",
                        "drop them");
            }
            if (s.sourceKind().equals(PostgresLogicalSource.KIND)) {
                if (target != null || !includes.isEmpty()
                        || spec.commandLine().getParseResult().hasMatchedOption("--overwrite")) {
                    throw new LifeboatException(ErrorCode.USAGE, "snapshot " + s.id().shortHex()
                            + " is a PostgreSQL backup: --target, --include and --overwrite apply to files snapshots",
                            "use --target-db NAME, --table, --schema, --clean, --dry-run");
                }
                return new RestorePostgres(ctx, options, pg).run(repo, s);
            }
            if (pg.requested() || target == null) {
                throw new LifeboatException(ErrorCode.USAGE, "snapshot " + s.id().shortHex() + " is a " + s.sourceKind()
                        + " backup: it restores into a directory", "pass --target DIR (and no PostgreSQL options)");
            }
            return restoreFiles(repo, s);
        }
    }

    private Integer restoreFiles(Repository repo, Snapshot s) {
        FilesRestoreTarget restoreTarget = new FilesRestoreTarget(
                new FilesRestoreTargetConfig(target.toAbsolutePath().normalize(), includes, overwrite));
        ProgressListener progress = ctx.progress(options);
        RestoreResult result;
        try {
            result = new Restore(repo).run(s.id().hex(), Optional.of(s.sourceKind()), restoreTarget, progress);
        } finally {
            CliContext.finishProgress(progress);
        }
        var o = result.outcome();
        if (options.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("snapshot", result.snapshot().id().hex());
            m.put("target", target.toAbsolutePath().normalize().toString());
            m.put("files", o.files());
            m.put("directories", o.directories());
            m.put("symlinks", o.symlinks());
            m.put("bytes_written", o.bytesWritten());
            m.put("duration_ms", result.durationMillis());
            m.put("warnings", o.warnings());
            Output.json(ctx.out, m);
        } else {
            o.warnings().forEach(w -> ctx.err.println("warning: " + w));
            ctx.out.printf("restored snapshot %s to %s: %d files, %d directories, %d symlinks, %s in %.1fs%n",
                    result.snapshot().id().shortHex(), target, o.files(), o.directories(), o.symlinks(),
                    Sizes.human(o.bytesWritten()), result.durationMillis() / 1000.0);
        }
        return o.warnings().isEmpty() ? 0 : ErrorCode.PARTIAL.exitCode();
    }
}
