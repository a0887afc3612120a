package io.lifeboat.cli;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.engine.restore.Restore;
import io.lifeboat.engine.restore.RestoreResult;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.snapshot.Snapshot;
import io.lifeboat.source.qdrant.QdrantEndpoint;
import io.lifeboat.source.qdrant.QdrantRestoreConfig;
import io.lifeboat.source.qdrant.QdrantRestoreReport;
import io.lifeboat.source.qdrant.QdrantRestoreTarget;
import io.lifeboat.source.qdrant.QdrantSnapshotMetadata;
import io.lifeboat.source.qdrant.QdrantSource;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code lifeboat restore SNAPSHOT} of a Qdrant snapshot: uploaded to {@code --qdrant-url}
 * (default: the node that was backed up) into {@code --collection} (default: the original name),
 * then the point count and the sampled points are compared with the recorded ones.
 */
final class RestoreQdrant {
    private final CliContext ctx;
    private final GlobalOptions options;
    private final QdrantRestoreOptions q;

    RestoreQdrant(CliContext ctx, GlobalOptions options, QdrantRestoreOptions q) {
        this.ctx = ctx;
        this.options = options;
        this.q = q;
    }

    int run(Repository repo, Snapshot snapshot) {
        QdrantSnapshotMetadata rec = QdrantSnapshotMetadata.fromMap(snapshot.metadata());
        URI url = q.url != null ? q.url : URI.create(rec.url());
        QdrantEndpoint endpoint = QdrantEndpoint.of(url, q.key.apiKey(ctx.env).orElse(null));
        String collection = q.collection != null ? q.collection : rec.collection();
        QdrantRestoreTarget target = new QdrantRestoreTarget(new QdrantRestoreConfig(endpoint, collection,
                q.priority != null ? q.priority : "snapshot", rec));
        QdrantRestoreReport[] report = new QdrantRestoreReport[1];
        ProgressListener progress = ctx.progress(options);
        RestoreResult result;
        try {
            result = new Restore(repo).run(snapshot.id().hex(), Optional.of(QdrantSource.KIND), (root, reader) -> {
                report[0] = target.restoreCollection(root, reader);
                return new io.lifeboat.core.source.RestoreOutcome(1, 0, 0, report[0].bytesUploaded(), report[0].warnings());
            }, progress);
        } finally {
            CliContext.finishProgress(progress);
        }
        QdrantRestoreReport r = report[0];
        if (options.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("snapshot", result.snapshot().id().hex());
            m.put("source", QdrantSource.KIND);
            m.put("server", r.server());
            m.put("server_version", r.serverVersion());
            m.put("collection", r.collection());
            m.put("priority", r.priority());
            m.put("recorded_points", r.recordedPoints());
            m.put("restored_points", r.restoredPoints());
            m.put("sampled_points", r.sampled());
            m.put("sample_mismatches", r.sampleMismatches());
            m.put("mismatches", r.mismatches());
            m.put("bytes_uploaded", r.bytesUploaded());
            m.put("uploaded_snapshot_removed", r.uploadedSnapshotRemoved());
            m.put("duration_ms", result.durationMillis());
            m.put("warnings", r.warnings());
            Output.json(ctx.out, m);
        } else {
            r.warnings().forEach(w -> ctx.err.println("warning: " + w));
            ctx.out.printf("restored snapshot %s into collection %s on %s (Qdrant %s, priority %s): %d points, %s uploaded in %.1fs%n",
                    result.snapshot().id().shortHex(), r.collection(), r.server(), r.serverVersion(), r.priority(),
                    r.restoredPoints(), Sizes.human(r.bytesUploaded()), result.durationMillis() / 1000.0);
            if (r.mismatches() == 0) {
                ctx.out.printf("point count and %d sampled points equal the backup's%n", r.sampled());
            } else {
                ctx.out.printf("the restored collection differs from the backup (%d mismatch(es), exit code %d)%n",
                        r.mismatches(), ErrorCode.PARTIAL.exitCode());
            }
        }
        return r.warnings().isEmpty() ? 0 : ErrorCode.PARTIAL.exitCode();
    }
}
