package io.lifeboat.engine.restore;

import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.source.RestoreOutcome;
import io.lifeboat.core.source.RestoreTarget;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.SnapshotReader;
import io.lifeboat.repository.lock.RepositoryLock;
import io.lifeboat.repository.snapshot.Snapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** The restore use case: one snapshot into one target, under a shared lock. */
public final class Restore {
    private final Repository repo;

    public Restore(Repository repo) {
        this.repo = repo;
    }

    /**
     * Restores the snapshot named by {@code ref} (an id, a unique prefix or {@code latest}).
     *
     * @param sourceKind restricts {@code latest} to one kind of source
     */
    public RestoreResult run(String ref, Optional<String> sourceKind, RestoreTarget target, ProgressListener progress) {
        Instant start = repo.client().clock().instant();
        try (RepositoryLock lock = repo.lock(false, "restore");
                SnapshotReader reader = repo.reader(progress)) {
            Snapshot snapshot = repo.findSnapshot(ref, sourceKind);
            RestoreOutcome outcome = target.restore(snapshot.root(), reader);
            long ms = Duration.between(start, repo.client().clock().instant()).toMillis();
            return new RestoreResult(snapshot, outcome, ms);
        }
    }
}
