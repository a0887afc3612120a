package io.lifeboat.cli;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.storage.RequestCounts;
import io.lifeboat.engine.backup.Backup;
import io.lifeboat.engine.backup.BackupOptions;
import io.lifeboat.engine.backup.BackupResult;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.snapshot.SnapshotStats;
import io.lifeboat.source.files.FilesSource;
import io.lifeboat.source.files.FilesSourceConfig;
import io.lifeboat.source.files.MetadataPrefetch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lifeboat backup files PATH…}: backs up directory trees. */
@Command(name = "files", description = "Back up files and directories. Unchanged files (same size, mtime, inode as in the previous snapshot) are not read again.")
final class BackupFilesCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    GlobalOptions options;

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Files or directories to back up.")
    List<Path> paths;

    @Option(names = {"-e", "--exclude"}, paramLabel = "PATTERN", description = "Skip entries matching the glob (repeatable), e.g. '*.tmp', 'cache/', '**/node_modules'.")
    List<String> excludes = new ArrayList<>();

    @Option(names = "--tag", paramLabel = "TAG", description = "Tag the snapshot (repeatable).")
    List<String> tags = new ArrayList<>();

    @Option(names = "--force", description = "Read every file again, ignoring the parent snapshot.")
    boolean force;

    @Option(names = "--one-file-system", description = "Do not cross file system boundaries.")
    boolean oneFileSystem;

    @Option(names = "--mirror", paramLabel = "LOCATION", description = "After the backup, copy every snapshot this copy target lacks into it (repeatable; also $LIFEBOAT_MIRRORS). A failing mirror is reported, never fails the backup.")
    List<String> mirrors = new ArrayList<>();

    @Option(names = "--password-file2", paramLabel = "FILE", description = "Password of the mirrors. Default: $LIFEBOAT_PASSWORD2.")
    Path passwordFile2;

    BackupFilesCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        List<Path> absolute = paths.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        FilesSource source = new FilesSource(new FilesSourceConfig(absolute, excludes, oneFileSystem));
        ProgressListener progress = ctx.progress(options);
        BackupResult result;
        Optional<RequestCounts> requests;
        List<MirrorCopies.Outcome> mirrored;
        // The tree's metadata is read into the kernel's cache while the repository's key is derived.
        try (MetadataPrefetch prefetch = source.prefetchMetadata(); Repository repo = ctx.open(options)) {
            result = new Backup(repo, ctx.version).run(source, new BackupOptions(tags, force, null), progress);
            requests = repo.storage().requestCounts();
            mirrored = MirrorCopies.run(ctx, options, passwordFile2, repo, MirrorCopies.locations(ctx, mirrors), progress);
        } finally {
            CliContext.finishProgress(progress);
        }
        render(ctx, options, result, requests, mirrored);
        return result.partial() ? ErrorCode.PARTIAL.exitCode() : 0;
    }

    static void render(CliContext ctx, GlobalOptions options, BackupResult result, Optional<RequestCounts> requests,
            List<MirrorCopies.Outcome> mirrored) {
        SnapshotStats st = result.snapshot().stats();
        result.staleLocks().forEach(l -> ctx.err.println("warning: " + l + " (remove with 'lifeboat unlock')"));
        if (options.json) {
            Map<String, Object> m = SnapshotJson.backup(result);
            m.put("storage_requests", RequestsJson.of(requests));
            m.put("mirrors", mirrored.stream().map(MirrorCopies.Outcome::json).toList());
            Output.json(ctx.out, m);
            return;
        }
        result.warnings().forEach(w -> ctx.err.println("warning: " + w));
        ctx.out.printf("snapshot %s saved%n", result.snapshot().id().shortHex());
        ctx.out.printf("  files: %d (%d unchanged), directories: %d%n", st.files(), st.unchangedFiles(), st.directories());
        ctx.out.printf("  read: %s, added: %s (%s stored) in %d new blobs, %.1fs%n", Sizes.human(st.bytesRead()),
                Sizes.human(st.bytesAdded()), Sizes.human(st.storedBytesAdded()), st.blobsAdded(), st.durationMillis() / 1000.0);
        RequestsJson.line(requests).ifPresent(l -> ctx.out.println("  storage requests: " + l));
        MirrorCopies.print(ctx, mirrored);
        if (result.partial()) {
            ctx.out.printf("  %d item(s) could not be read; the snapshot is partial (exit code %d)%n",
                    result.warnings().size(), ErrorCode.PARTIAL.exitCode());
        }
    }
}
