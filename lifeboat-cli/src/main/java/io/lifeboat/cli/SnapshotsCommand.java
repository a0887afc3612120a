package io.lifeboat.cli;

import io.lifeboat.repository.Repository;
import io.lifeboat.repository.snapshot.Snapshot;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lifeboat snapshots}: lists snapshots, oldest first. */
@Command(name = "snapshots", description = "List snapshots, oldest first.")
final class SnapshotsCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    GlobalOptions options;

    @Option(names = "--source", paramLabel = "KIND", description = "Only snapshots of this source kind (files, postgres, qdrant).")
    String source;

    @Option(names = "--tag", paramLabel = "TAG", description = "Only snapshots with this tag.")
    String tag;

    SnapshotsCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        List<Snapshot> snapshots;
        try (Repository repo = ctx.open(options)) {
            snapshots = repo.snapshots().stream()
                    .filter(s -> source == null || s.sourceKind().equals(source))
                    .filter(s -> tag == null || s.tags().contains(tag))
                    .toList();
        }
        if (options.json) {
            Output.json(ctx.out, snapshots.stream().map(SnapshotJson::of).toList());
            return 0;
        }
        ctx.out.printf("%-9s %-20s %-16s %-8s %-12s %s%n", "ID", "TIME", "HOST", "SOURCE", "TAGS", "PATHS");
        for (Snapshot s : snapshots) {
            ctx.out.printf("%-9s %-20s %-16s %-8s %-12s %s%n", s.id().shortHex(),
                    time(s.time()),
                    s.host(), s.sourceKind(), String.join(",", s.tags()), String.join(" ", s.paths()));
        }
        ctx.out.println(snapshots.size() + " snapshot(s)");
        return 0;
    }

    /** A time as listings show it: UTC to the second, {@code 2026-03-01 12:00:00}. */
    static String time(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString().replace('T', ' ').replace("Z", "");
    }
}
