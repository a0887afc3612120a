package io.lifeboat.core.source;

import io.lifeboat.core.id.BlobId;
import java.util.List;
import java.util.Map;

/**
 * What a source reports after writing its backup.
 *
 * @param root the root tree of the snapshot
 * @param metadata source-specific facts recorded in the snapshot (versions, counts, LSNs)
 * @param warnings items that could not be read; a non-empty list makes the backup partial
 */
public record BackupOutcome(
        BlobId root,
        long files,
        long directories,
        long bytesRead,
        long unchangedFiles,
        Map<String, Object> metadata,
        List<String> warnings) {
    public BackupOutcome {
        metadata = Map.copyOf(metadata);
        warnings = List.copyOf(warnings);
    }
}
