package io.lifeboat.cli;

import io.lifeboat.core.id.SnapshotId;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.RequestCounts;
import io.lifeboat.core.storage.Storage;
import io.lifeboat.core.storage.StorageRegistry;
import io.lifeboat.engine.copy.Copy;
import io.lifeboat.engine.copy.CopyResult;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.crypto.KdfParams;
import io.lifeboat.repository.snapshot.Snapshot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lifeboat copy --to LOCATION [SNAPSHOT…]}: copies snapshots into a second repository. */
@Command(name = "copy", description = {
        "Copy snapshots (all, or the ones given) into another repository, transferring only the data it lacks.",
        "The target must be a copy target of the source (same chunker parameters, own key and password):",
        "create it with --init. Its password: $LIFEBOAT_PASSWORD2, --password-file2 or a prompt."})
final class CopyCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    GlobalOptions options;

    @Option(names = "--from", paramLabel = "LOCATION", description = "Source repository. Default: --repo / $LIFEBOAT_REPOSITORY.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "LOCATION", description = "Target repository (a directory or s3://BUCKET/PREFIX).")
    String to;

    @Option(names = "--password-file2", paramLabel = "FILE", description = "Read the target's password from FILE. Default: $LIFEBOAT_PASSWORD2.")
    Path passwordFile2;

    @Option(names = "--init", description = "Create the target as a copy target of the source when it does not exist yet.")
    boolean init;

    @Parameters(paramLabel = "SNAPSHOT", arity = "0..*", description = "Snapshots to copy (id, prefix or 'latest'). Default: all.")
    List<String> snapshots = new ArrayList<>();

    CopyCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        String source = from != null ? from : ctx.repositoryLocation(options);
        ProgressListener progress = ctx.progress(options);
        CopyResult result;
        boolean created = false;
        Optional<RequestCounts> sourceRequests;
        Optional<RequestCounts> targetRequests;
        char[] password = ctx.passwords().current(options.passwordFile);
        try (Repository src = ctx.openAt(source, options, password)) {
            Arrays.fill(password, '\0');
            Storage targetStorage = ctx.storages.open(to);
            boolean exists = targetStorage.stat(Handle.CONFIG).isPresent();
            char[] password2 = ctx.passwords().second(passwordFile2, init && !exists);
            Repository dst;
            try {
                if (init && !exists) {
                    dst = Repository.initCopyTarget(src, targetStorage, password2, KdfParams.DEFAULT, ctx.client(options));
                    created = true;
                } else {
                    dst = Repository.open(targetStorage, password2, ctx.client(options));
                }
            } catch (RuntimeException e) {
                targetStorage.close();
                throw e;
            } finally {
                Arrays.fill(password2, '\0');
            }
            try (dst) {
                List<Snapshot> chosen = snapshots.stream().map(r -> src.findSnapshot(r, Optional.empty())).toList();
                result = new Copy(src, dst).run(chosen, progress);
                sourceRequests = src.storage().requestCounts();
                targetRequests = dst.storage().requestCounts();
            }
        } finally {
            Arrays.fill(password, '\0');
            CliContext.finishProgress(progress);
        }
        render(source, created, result, sourceRequests, targetRequests);
        return 0;
    }

    private void render(String source, boolean created, CopyResult r, Optional<RequestCounts> sourceRequests,
            Optional<RequestCounts> targetRequests) {
        r.staleLocks().forEach(l -> ctx.err.println("warning: " + l + " (remove with 'lifeboat unlock')"));
        if (options.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("from", StorageRegistry.redacted(source));
            m.put("to", StorageRegistry.redacted(to));
            m.put("initialized", created);
            m.put("copied", r.copied().stream().map(SnapshotId::hex).toList());
            m.put("already_present", r.present().stream().map(SnapshotId::hex).toList());
            m.put("blobs_copied", r.blobsCopied());
            m.put("bytes_copied", r.bytesCopied());
            m.put("packs_written", r.packsWritten());
            Map<String, Object> requests = new LinkedHashMap<>();
            requests.put("from", RequestsJson.of(sourceRequests));
            requests.put("to", RequestsJson.of(targetRequests));
            m.put("storage_requests", requests);
            m.put("stale_locks", r.staleLocks());
            Output.json(ctx.out, m);
            return;
        }
        if (created) {
            ctx.out.println("created the copy target at " + StorageRegistry.redacted(to));
        }
        ctx.out.printf("copied %d snapshot(s), %d already present: %d blobs, %s in %d new pack(s)%n", r.copied().size(),
                r.present().size(), r.blobsCopied(), Sizes.human(r.bytesCopied()), r.packsWritten());
        RequestsJson.line(sourceRequests).ifPresent(l -> ctx.out.println("  source requests: " + l));
        RequestsJson.line(targetRequests).ifPresent(l -> ctx.out.println("  target requests: " + l));
    }
}
