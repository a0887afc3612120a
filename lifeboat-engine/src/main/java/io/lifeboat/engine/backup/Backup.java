package io.lifeboat.engine.backup;

import io.lifeboat.core.id.SnapshotId;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.source.BackupOutcome;
import io.lifeboat.core.source.Source;
import io.lifeboat.core.source.SourceDescriptor;
import io.lifeboat.repository.BackupWriter;
import io.lifeboat.repository.ClientContext;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.lock.RepositoryLock;
import io.lifeboat.repository.snapshot.Snapshot;
import io.lifeboat.repository.snapshot.SnapshotStats;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;

/** The backup use case: one source into one repository, committed by a snapshot object. */
public final class Backup {
    private final Repository repo;
    private final String programVersion;

    public Backup(Repository repo, String programVersion) {
        this.repo = repo;
        this.programVersion = programVersion;
    }

    public BackupResult run(Source source, BackupOptions options, ProgressListener progress) {
        ClientContext client = repo.client();
        Instant start = client.clock().instant();
        try (RepositoryLock lock = repo.lock(false, "backup")) {
            SourceDescriptor d = source.descriptor();
            Optional<Snapshot> parent = options.ignoreParent() ? Optional.empty() : parentOf(d, client.host());
            BackupOutcome outcome;
            Snapshot snapshot;
            try (BackupWriter writer = repo.newWriter(source.chunking(), progress)) {
                outcome = source.backup(writer, parent.map(Snapshot::root));
                writer.flush();
                lock.checkHeld();
                Instant end = client.clock().instant();
                SnapshotStats stats = new SnapshotStats(outcome.files(), outcome.directories(),
                        outcome.unchangedFiles(), outcome.bytesRead(), writer.blobsAdded(), writer.bytesAdded(),
                        writer.storedBytesAdded(), Duration.between(start, end).toMillis());
                snapshot = new Snapshot(null, start, client.host(), client.username(), d.kind(), d.identity(),
                        d.paths(), options.tags(), parent.map(Snapshot::id).orElse(null), outcome.root(),
                        outcome.metadata(), stats, options.recoveryPoint(), programVersion);
            }
            SnapshotId id = repo.saveSnapshot(snapshot);
            return new BackupResult(snapshot.withId(id), outcome.warnings(), lock.staleLocks());
        }
    }

    /** The newest snapshot of the same series whose root is still indexed. */
    private Optional<Snapshot> parentOf(SourceDescriptor d, String host) {
        return repo.snapshots().stream()
                .filter(s -> s.sameSeries(host, d.kind(), d.identity()))
                .filter(s -> repo.index().contains(s.root()))
                .max(Comparator.comparing(Snapshot::time));
    }
}
