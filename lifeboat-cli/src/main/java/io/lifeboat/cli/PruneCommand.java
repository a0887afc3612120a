package io.lifeboat.cli;

import io.lifeboat.core.id.SnapshotId;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.engine.retention.Prune;
import io.lifeboat.engine.retention.PruneOptions;
import io.lifeboat.engine.retention.PruneResult;
import io.lifeboat.repository.Repository;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lifeboat prune}: deletes the data no snapshot uses. */
@Command(name = "prune", description = {
        "Delete the data no snapshot uses: packs nothing refers to are deleted, mostly unused packs are rewritten. "
                + "Takes the exclusive lock, so it waits for no one and fails when a backup is running; run it after 'forget' "
                + "(or use 'forget --prune').",
        "The new index is written before anything is deleted: an interrupted prune loses nothing and the next one finishes the job."})
final class PruneCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    GlobalOptions options;

    @Mixin
    PruneOptionsMixin prune;

    @Option(names = {"-n", "--dry-run"}, description = "Show what would be deleted and repacked; change nothing.")
    boolean dryRun;

    PruneCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        PruneOptions opts = prune.toOptions(dryRun);
        PruneResult r;
        try (Repository repo = ctx.open(options)) {
            r = run(ctx, options, repo, opts, Set.of());
        }
        warnings(ctx, r);
        if (options.json) {
            Output.json(ctx.out, json(r));
        } else {
            text(ctx.out, r);
        }
        return 0;
    }

    static PruneResult run(CliContext ctx, GlobalOptions options, Repository repo, PruneOptions opts,
            Set<SnapshotId> alsoForgotten) {
        ProgressListener progress = ctx.progress(options);
        try {
            return new Prune(repo).run(opts, alsoForgotten, progress);
        } finally {
            CliContext.finishProgress(progress);
        }
    }

    static void warnings(CliContext ctx, PruneResult r) {
        r.staleLocks().forEach(l -> ctx.err.println("warning: " + l + " (remove with 'lifeboat unlock')"));
        r.missingPacks().forEach(p -> ctx.err.println("warning: the index listed " + p
                + ", which storage lacks and no snapshot needs; its entries were dropped"));
    }

    static void text(PrintStream out, PruneResult r) {
        String would = r.dryRun() ? "would " : "";
        out.printf("%d snapshot(s) use data in %d of %d pack(s) (%s)%n", r.snapshots(),
                r.packsBefore() - r.packsDeleted() - r.unindexedDeleted() - r.unindexedKept(), r.packsBefore(),
                Sizes.human(r.bytesBefore()));
        out.printf("%sdelete %d unused pack(s), %srepack %d partly used pack(s)%s, %sdelete %d pack(s) no index lists%n",
                would, r.packsDeleted(), would, r.packsRepacked(),
                r.dryRun() ? "" : " into " + r.packsWritten() + " new pack(s)", would, r.unindexedDeleted());
        if (r.unindexedKept() > 0) {
            out.printf("kept %d pack(s) no index lists: younger than the grace period (an interrupted or running backup's)%n",
                    r.unindexedKept());
        }
        out.printf("%s %s: %s -> %s; %d blob(s) %sremoved; %s unused stay in partly used packs%n",
                r.dryRun() ? "would free" : "freed", Sizes.human(r.bytesFreed()), Sizes.human(r.bytesBefore()),
                Sizes.human(r.bytesAfter()), r.blobsRemoved(), r.dryRun() ? "would be " : "",
                Sizes.human(r.unusedBytesLeft()));
        if (!r.walDeleted().isEmpty()) {
            out.printf("%s %d WAL file(s) (%s) older than the oldest remaining base backup: %s%n",
                    r.dryRun() ? "would delete" : "deleted", r.walDeleted().size(), Sizes.human(r.walBytesFreed()),
                    r.walDeleted().size() <= 3 ? String.join(", ", r.walDeleted())
                            : r.walDeleted().getFirst() + " … " + r.walDeleted().getLast());
        }
        if (r.dryRun()) {
            out.println("dry run: nothing changed");
        }
    }

    static Map<String, Object> json(PruneResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dry_run", r.dryRun());
        m.put("snapshots", r.snapshots());
        m.put("packs_before", r.packsBefore());
        m.put("bytes_before", r.bytesBefore());
        m.put("packs_deleted", r.packsDeleted());
        m.put("packs_repacked", r.packsRepacked());
        m.put("packs_written", r.packsWritten());
        m.put("bytes_written", r.bytesWritten());
        m.put("unindexed_packs_deleted", r.unindexedDeleted());
        m.put("unindexed_packs_kept", r.unindexedKept());
        m.put("blobs_removed", r.blobsRemoved());
        m.put("bytes_freed", r.bytesFreed());
        m.put("bytes_after", r.bytesAfter());
        m.put("unused_bytes_left", r.unusedBytesLeft());
        m.put("index_files_replaced", r.indexFilesReplaced());
        m.put("missing_packs", r.missingPacks());
        m.put("stale_locks", r.staleLocks());
        m.put("wal_deleted", r.walDeleted());
        m.put("wal_bytes_freed", r.walBytesFreed());
        return m;
    }
}
