package io.lifeboat.engine.backup;

import io.lifeboat.repository.snapshot.Snapshot;
import java.util.List;

/** A committed backup: the snapshot (with its id and stats) and what could not be read. */
public record BackupResult(Snapshot snapshot, List<String> warnings, List<String> staleLocks) {
    public BackupResult {
        warnings = List.copyOf(warnings);
        staleLocks = List.copyOf(staleLocks);
    }

    public boolean partial() {
        return !warnings.isEmpty();
    }
}
