package io.lifeboat.cli;

import io.lifeboat.core.id.SnapshotId;
import io.lifeboat.engine.retention.Forget;
import io.lifeboat.engine.retention.ForgetOptions;
import io.lifeboat.engine.retention.ForgetResult;
import io.lifeboat.engine.retention.GroupBy;
import io.lifeboat.engine.retention.GroupBy.GroupKey;
import io.lifeboat.engine.retention.KeepWithin;
import io.lifeboat.engine.retention.PruneOptions;
import io.lifeboat.engine.retention.PruneResult;
import io.lifeboat.engine.retention.RetentionPolicy;
import io.lifeboat.engine.retention.RetentionPolicy.Decision;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.snapshot.Snapshot;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lifeboat forget [SNAPSHOT…] [--keep-… rules]}: removes snapshots no rule keeps, never held ones. */
@Command(name = "forget", description = {
        "Remove snapshots: exactly the SNAPSHOTs named, or those that no --keep-… rule keeps. Rules apply to each "
                + "group (by default one series: host + source) and are independent: a snapshot is kept when any "
                + "rule keeps it, and the output lists every reason. Held snapshots (lifeboat hold) are always kept.",
        "Only snapshot objects are removed; the data they referred to stays in the repository until a prune (--prune, or 'lifeboat prune').",
        "Buckets (hour, day, ISO week, month, year) are computed in the system time zone."})
final class ForgetCommand implements Callable<Integer> {
    private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final CliContext ctx;

    @Mixin
    GlobalOptions options;

    @Parameters(arity = "0..*", paramLabel = "SNAPSHOT", description = "Snapshot id, unique prefix, or 'latest' to forget; not together with --keep-… rules.")
    List<String> snapshots = new ArrayList<>();

    @Option(names = "--keep-last", paramLabel = "N", description = "Keep the N newest snapshots.")
    int last;

    @Option(names = "--keep-hourly", paramLabel = "N", description = "Keep the newest snapshot of each of the last N hours that have one.")
    int hourly;

    @Option(names = "--keep-daily", paramLabel = "N", description = "Keep the newest snapshot of each of the last N days that have one.")
    int daily;

    @Option(names = "--keep-weekly", paramLabel = "N", description = "Keep the newest snapshot of each of the last N ISO weeks that have one.")
    int weekly;

    @Option(names = "--keep-monthly", paramLabel = "N", description = "Keep the newest snapshot of each of the last N months that have one.")
    int monthly;

    @Option(names = "--keep-yearly", paramLabel = "N", description = "Keep the newest snapshot of each of the last N years that have one.")
    int yearly;

    @Option(names = "--keep-within", paramLabel = "SPAN", description = "Keep snapshots at most SPAN older than the newest of their group: y years, m months, w weeks, d days, h hours, e.g. 2d, 36h, 1y2m.")
    String within;

    @Option(names = "--keep-tag", paramLabel = "TAG", description = "Keep snapshots with this tag (repeatable).")
    List<String> keepTags = new ArrayList<>();

    @Option(names = "--group-by", paramLabel = "LIST", description = "Apply the rules separately per group of these properties: host, source, paths, tags (comma separated; default: host,source; '' for one group).")
    String groupBy;

    @Option(names = {"-n", "--dry-run"}, description = "Show what would be removed; remove nothing.")
    boolean dryRun;

    @Option(names = "--prune", description = "Then prune: delete the data no remaining snapshot uses (see 'lifeboat prune').")
    boolean prune;

    @Mixin
    PruneOptionsMixin pruneOptions;

    ForgetCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        RetentionPolicy policy = new RetentionPolicy(last, hourly, daily, weekly, monthly, yearly,
                within == null ? null : KeepWithin.parse(within), keepTags);
        GroupBy grouping = groupBy == null ? GroupBy.DEFAULT : GroupBy.parse(groupBy);
        ForgetOptions opts = new ForgetOptions(policy, grouping, dryRun, snapshots);
        ZoneId zone = ctx.client.clock().getZone();
        PruneOptions pruneOpts = prune ? pruneOptions.toOptions(dryRun) : null;
        ForgetResult r;
        PruneResult pruned = null;
        try (Repository repo = ctx.open(options)) {
            r = new Forget(repo, zone).run(opts);
            if (prune) {
                // A dry run removed nothing: the prune's dry run assumes the removal.
                Set<SnapshotId> removed = dryRun ? r.groups().stream().flatMap(g -> g.removed().stream())
                        .map(d -> d.snapshot().id()).collect(Collectors.toSet()) : Set.of();
                pruned = PruneCommand.run(ctx, options, repo, pruneOpts, removed);
            }
        }
        r.staleLocks().forEach(l -> ctx.err.println("warning: " + l + " (remove with 'lifeboat unlock')"));
        if (pruned != null) {
            PruneCommand.warnings(ctx, pruned);
        }
        if (options.json) {
            Map<String, Object> m = json(r, zone, grouping);
            if (pruned != null) {
                m.put("prune", PruneCommand.json(pruned));
            }
            Output.json(ctx.out, m);
            return 0;
        }
        for (ForgetResult.Group g : r.groups()) {
            ctx.out.println(g.key().describe());
            List<Decision> all = new ArrayList<>(g.kept());
            all.addAll(g.removed());
            all.sort((a, b) -> RetentionPolicy.NEWEST_FIRST.compare(a.snapshot(), b.snapshot()));
            for (Decision d : all) {
                Snapshot s = d.snapshot();
                String line = String.format("  %-6s  %s  %s  %-12s %s", d.keep() ? "keep" : "remove", s.id().shortHex(),
                        LOCAL_TIME.format(s.time().atZone(zone)), String.join(",", s.tags()), String.join(", ", d.reasons()));
                ctx.out.println(line.stripTrailing());
            }
        }
        r.lapsedHoldsRemoved().forEach(id -> ctx.out.println((r.dryRun() ? "would remove" : "removed")
                + " the lapsed hold on " + id.shortHex()));
        ctx.out.printf("%d snapshot(s) kept, %d %s (times and buckets in %s)%n", r.keptCount(), r.removedCount(),
                r.dryRun() ? "would be removed: dry run, nothing changed" : "removed", zone.getId());
        if (pruned != null) {
            PruneCommand.text(ctx.out, pruned);
        } else if (!r.dryRun() && r.removedCount() > 0) {
            ctx.out.println("note: only the snapshot objects were removed; the data they alone referred to stays "
                    + "until 'lifeboat prune'");
        }
        return 0;
    }

    private static Map<String, Object> json(ForgetResult r, ZoneId zone, GroupBy grouping) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dry_run", r.dryRun());
        m.put("time_zone", zone.getId());
        m.put("group_by", grouping.toString().isEmpty() ? List.of() : List.of(grouping.toString().split(",")));
        m.put("groups", r.groups().stream().map(g -> {
            Map<String, Object> gm = new LinkedHashMap<>();
            gm.put("key", key(g.key()));
            gm.put("kept", g.kept().stream().map(ForgetCommand::decision).toList());
            gm.put("removed", g.removed().stream().map(ForgetCommand::decision).toList());
            return gm;
        }).toList());
        m.put("kept", r.keptCount());
        m.put("removed", r.removedCount());
        m.put("lapsed_holds_removed", r.lapsedHoldsRemoved().stream().map(id -> id.hex()).toList());
        m.put("stale_locks", r.staleLocks());
        return m;
    }

    private static Map<String, Object> key(GroupKey k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", k.host());
        m.put("source", k.sourceKind());
        m.put("source_identity", k.sourceIdentity());
        m.put("paths", k.paths());
        m.put("tags", k.tags());
        return m;
    }

    private static Map<String, Object> decision(Decision d) {
        Snapshot s = d.snapshot();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id().hex());
        m.put("short_id", s.id().shortHex());
        m.put("time", s.time().toString());
        m.put("host", s.host());
        m.put("source", s.sourceKind());
        m.put("paths", s.paths());
        m.put("tags", s.tags());
        m.put("reasons", d.reasons());
        return m;
    }
}
