package io.lifeboat.core.source;

import io.lifeboat.core.id.BlobId;
import java.util.Optional;

/**
 * Produces a backup: walks or streams what it protects into a {@link BackupSink} and returns the
 * root tree. Sources never commit snapshots; the engine does, after the sink is flushed.
 */
public interface Source {

    SourceDescriptor descriptor();

    ChunkingProfile chunking();

    /**
     * Writes the backup.
     *
     * @param parentRoot root tree of the previous snapshot of the same series, for change detection
     */
    BackupOutcome backup(BackupSink sink, Optional<BlobId> parentRoot);
}
