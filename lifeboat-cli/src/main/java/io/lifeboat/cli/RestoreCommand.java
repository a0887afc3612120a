package io.lifeboat.cli;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.engine.restore.Restore;
import io.lifeboat.engine.restore.RestoreResult;
import io.lifeboat.repository.Repository;
import io.lifeboat.source.files.FilesRestoreTarget;
import io.lifeboat.source.files.FilesRestoreTargetConfig;
import io.lifeboat.source.files.OverwritePolicy;
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
import picocli.CommandLine.Parameters;

/** {@code lifeboat restore SNAPSHOT --target DIR}: restores a files snapshot. */
@Command(name = "restore", description = "Restore a snapshot into a directory. Content, mode, mtime and symlinks are restored; ownership too when run as root.")
final class RestoreCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    GlobalOptions options;

    @Parameters(paramLabel = "SNAPSHOT", description = "Snapshot id, unique prefix, or 'latest'.")
    String snapshot;

    @Option(names = {"-t", "--target"}, required = true, paramLabel = "DIR", description = "Directory to restore into (created if missing).")
    Path target;

    @Option(names = {"-i", "--include"}, paramLabel = "PATH", description = "Restore only this path of the snapshot (repeatable).")
    List<String> includes = new ArrayList<>();

    @Option(names = "--overwrite", paramLabel = "POLICY", defaultValue = "ALWAYS",
            description = "What to do with existing files: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    OverwritePolicy overwrite;

    RestoreCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        FilesRestoreTarget restoreTarget = new FilesRestoreTarget(
                new FilesRestoreTargetConfig(target.toAbsolutePath().normalize(), includes, overwrite));
        ProgressListener progress = ctx.progress(options);
        RestoreResult result;
        try (Repository repo = ctx.open(options)) {
            result = new Restore(repo).run(snapshot, Optional.of("files"), restoreTarget, progress);
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
