package io.lifeboat.cli;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.engine.backup.Backup;
import io.lifeboat.engine.backup.BackupOptions;
import io.lifeboat.engine.backup.BackupResult;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.snapshot.SnapshotStats;
import io.lifeboat.source.qdrant.PendingSnapshots;
import io.lifeboat.source.qdrant.QdrantApiKey;
import io.lifeboat.source.qdrant.QdrantClient;
import io.lifeboat.source.qdrant.QdrantEndpoint;
import io.lifeboat.source.qdrant.QdrantNodes;
import io.lifeboat.source.qdrant.QdrantSource;
import io.lifeboat.source.qdrant.QdrantSourceConfig;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lifeboat backup qdrant --url URL [--collection C … | --all]}: one repository snapshot
 * per collection and node, grouped by a shared recovery-point id when there are several.
 */
@Command(name = "qdrant", description = {
        "Back up Qdrant collections: a server-side snapshot per collection, streamed into the repository with its sha256 checked, then deleted on the server.",
        "Cluster mode: pass --url once per node; each node's local shards become their own snapshot, grouped by a recovery-point id.",
        "The API key comes from --api-key-file or $QDRANT_API_KEY, never from the command line."})
final class BackupQdrantCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    GlobalOptions options;

    @Mixin
    QdrantOptions qdrant;

    @Option(names = "--url", paramLabel = "URL", required = true, description = "Qdrant REST URL, e.g. http://localhost:6333 (repeat once per node of a cluster).")
    List<URI> urls = new ArrayList<>();

    @Option(names = "--collection", paramLabel = "NAME", description = "Collection to back up (repeatable).")
    List<String> collections = new ArrayList<>();

    @Option(names = "--all", description = "Back up every collection of the server.")
    boolean all;

    @Option(names = "--tag", paramLabel = "TAG", description = "Tag the snapshots (repeatable).")
    List<String> tags = new ArrayList<>();

    BackupQdrantCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (all == !collections.isEmpty()) {
            throw new LifeboatException(ErrorCode.USAGE, all ? "--all and --collection do not go together"
                    : "no collection given", "name collections with --collection NAME (repeatable), or pass --all");
        }
        QdrantApiKey key = qdrant.apiKey(ctx.env).orElse(null);
        List<QdrantEndpoint> nodes = urls.stream().map(u -> QdrantEndpoint.of(u, key)).toList();
        List<String> names = checkNodes(nodes);
        PendingSnapshots pending = QdrantOptions.pending(ctx.env);
        String recoveryPoint = nodes.size() * names.size() > 1 ? randomId() : null;
        List<BackupResult> results = new ArrayList<>();
        ProgressListener progress = ctx.progress(options);
        try (Repository repo = ctx.open(options)) {
            for (QdrantEndpoint node : nodes) {
                for (String c : names) {
                    QdrantSource source = new QdrantSource(new QdrantSourceConfig(node, c, QdrantSourceConfig.DEFAULT_SAMPLE,
                            pending), Clock.systemUTC());
                    results.add(new Backup(repo, ctx.version).run(source, new BackupOptions(tags, false, recoveryPoint), progress));
                }
            }
        } finally {
            CliContext.finishProgress(progress);
        }
        render(results, recoveryPoint);
        return results.stream().anyMatch(BackupResult::partial) ? ErrorCode.PARTIAL.exitCode() : 0;
    }

    /** The collections to back up; {@link QdrantNodes#check} refuses a cluster whose nodes were not all named. */
    private List<String> checkNodes(List<QdrantEndpoint> nodes) {
        QdrantNodes.check(nodes);
        List<String> names = collections;
        if (all) {
            try (QdrantClient client = new QdrantClient(nodes.get(0))) {
                names = client.collections();
            }
        }
        if (names.isEmpty()) {
            throw new LifeboatException(ErrorCode.NOT_FOUND, "Qdrant " + nodes.get(0) + " has no collections", "nothing to back up");
        }
        return names;
    }

    private static String randomId() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private void render(List<BackupResult> results, String recoveryPoint) {
        results.forEach(r -> r.staleLocks().forEach(l -> ctx.err.println("warning: " + l + " (remove with 'lifeboat unlock')")));
        List<String> warnings = results.stream().flatMap(r -> r.warnings().stream()).toList();
        if (options.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("recovery_point", recoveryPoint);
            m.put("snapshots", results.stream().map(r -> SnapshotJson.of(r.snapshot())).toList());
            m.put("partial", results.stream().anyMatch(BackupResult::partial));
            m.put("warnings", warnings);
            m.put("stale_locks", results.stream().flatMap(r -> r.staleLocks().stream()).distinct().toList());
            Output.json(ctx.out, m);
            return;
        }
        warnings.forEach(w -> ctx.err.println("warning: " + w));
        for (BackupResult r : results) {
            SnapshotStats st = r.snapshot().stats();
            Map<String, Object> md = r.snapshot().metadata();
            long size = ((Number) md.get("snapshot_size")).longValue();
            ctx.out.printf("snapshot %s saved: collection %s on %s (Qdrant %s%s): %s points%n", r.snapshot().id().shortHex(),
                    md.get("collection"), md.get("url"), md.get("qdrant_version"),
                    md.containsKey("peer_id") ? ", peer " + md.get("peer_id") : "", md.get("points_count"));
            ctx.out.printf("  snapshot: %s, added: %s (%.1f%% of it; %s stored) in %d new blobs, %.1fs%n", Sizes.human(size),
                    Sizes.human(st.bytesAdded()), size == 0 ? 0.0 : 100.0 * st.bytesAdded() / size,
                    Sizes.human(st.storedBytesAdded()), st.blobsAdded(), st.durationMillis() / 1000.0);
        }
        if (recoveryPoint != null) {
            ctx.out.printf("recovery point %s: %d snapshot(s)%n", recoveryPoint, results.size());
        }
    }
}
