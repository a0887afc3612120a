package io.lifeboat.cli;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.engine.stats.Stats;
import io.lifeboat.engine.stats.StatsResult;
import io.lifeboat.engine.stats.StatsResult.KindUsage;
import io.lifeboat.engine.stats.StatsResult.SourceUsage;
import io.lifeboat.repository.Repository;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lifeboat stats}: repository size, deduplication ratio, per-source usage. */
@Command(name = "stats", description = {
        "Show the repository size per object kind, the deduplication ratio (logical size of all snapshots "
                + "over stored pack bytes), and per source (host + kind + identity) the logical and stored bytes.",
        "Stored bytes of a source count the distinct blobs its snapshots reference; data shared by "
                + "several sources counts for each. Unreferenced blobs are what 'prune' can reclaim."})
final class StatsCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    GlobalOptions options;

    StatsCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        ProgressListener progress = ctx.progress(options);
        StatsResult r;
        try (Repository repo = ctx.open(options)) {
            r = new Stats(repo).run(progress);
        } finally {
            CliContext.finishProgress(progress);
        }
        if (options.json) {
            Output.json(ctx.out, json(r));
        } else {
            text(r);
        }
        if (!r.warnings().isEmpty()) {
            if (!options.json) {
                ctx.err.println("hint: some data could not be read, so the figures are lower bounds; "
                        + "run 'lifeboat check' to list the damaged objects");
            }
            return ErrorCode.DAMAGED_DATA.exitCode();
        }
        return 0;
    }

    private static Map<String, Object> json(StatsResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("snapshots", r.snapshots());
        m.put("total_bytes", r.totalBytes());
        m.put("storage", r.storage().stream()
                .map(k -> Map.of("kind", k.kind(), "objects", k.objects(), "bytes", k.bytes())).toList());
        m.put("packs", r.packs());
        m.put("pack_bytes", r.packBytes());
        m.put("blobs", r.blobs());
        m.put("data_blobs", r.dataBlobs());
        m.put("tree_blobs", r.treeBlobs());
        m.put("logical_bytes", r.logicalBytes());
        m.put("deduplication_ratio", r.deduplicationRatio());
        m.put("sources", r.sources().stream().map(s -> {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("host", s.host());
            o.put("source", s.sourceKind());
            o.put("source_identity", s.sourceIdentity());
            o.put("snapshots", s.snapshots());
            o.put("logical_bytes", s.logicalBytes());
            o.put("stored_bytes", s.storedBytes());
            o.put("blobs", s.blobs());
            return o;
        }).toList());
        m.put("unreferenced_blobs", r.unreferencedBlobs());
        m.put("unreferenced_bytes", r.unreferencedBytes());
        m.put("unindexed_packs", r.unindexedPacks());
        m.put("unindexed_pack_bytes", r.unindexedPackBytes());
        m.put("warnings", r.warnings());
        m.put("stale_locks", r.staleLocks());
        return m;
    }

    private void text(StatsResult r) {
        r.staleLocks().forEach(l -> ctx.err.println("warning: " + l + " (remove with 'lifeboat unlock')"));
        ctx.out.printf("%-10s %9s %12s%n", "KIND", "OBJECTS", "SIZE");
        for (KindUsage k : r.storage()) {
            ctx.out.printf("%-10s %9d %12s%n", k.kind(), k.objects(), Sizes.human(k.bytes()));
        }
        ctx.out.printf("%-10s %9d %12s%n", "total", r.storage().stream().mapToLong(KindUsage::objects).sum(),
                Sizes.human(r.totalBytes()));
        ctx.out.println();
        ctx.out.printf("%d snapshot(s), %s logical; %d pack(s), %s stored; deduplication ratio %s%n", r.snapshots(),
                Sizes.human(r.logicalBytes()), r.packs(), Sizes.human(r.packBytes()), ratio(r.deduplicationRatio()));
        ctx.out.printf("%d blob(s): %d data, %d tree%n", r.blobs(), r.dataBlobs(), r.treeBlobs());
        ctx.out.printf("unreferenced: %d blob(s), %s (reclaimable by prune)%n", r.unreferencedBlobs(),
                Sizes.human(r.unreferencedBytes()));
        if (r.unindexedPacks() > 0) {
            ctx.out.printf("unindexed: %d pack(s), %s (left by interrupted backups; reclaimable by prune)%n",
                    r.unindexedPacks(), Sizes.human(r.unindexedPackBytes()));
        }
        if (!r.sources().isEmpty()) {
            ctx.out.println();
            ctx.out.printf("%-48s %9s %12s %12s %9s%n", "SOURCE", "SNAPSHOTS", "LOGICAL", "STORED", "BLOBS");
            for (SourceUsage s : r.sources()) {
                ctx.out.printf("%-48s %9d %12s %12s %9d%n", s.describe(), s.snapshots(), Sizes.human(s.logicalBytes()),
                        Sizes.human(s.storedBytes()), s.blobs());
            }
        }
        r.warnings().forEach(w -> ctx.out.println("warning: " + w));
    }

    private static String ratio(double r) {
        return String.format(Locale.ROOT, "%.2fx", r);
    }
}
