package io.lifeboat.engine.backup;

import java.util.List;

/**
 * How to run a backup.
 *
 * @param tags labels stored with the snapshot
 * @param ignoreParent read everything again instead of trusting unchanged metadata
 * @param recoveryPoint shared id of a stack backup, or {@code null}
 */
public record BackupOptions(List<String> tags, boolean ignoreParent, String recoveryPoint) {
    public static final BackupOptions DEFAULT = new BackupOptions(List.of(), false, null);

    public BackupOptions {
        tags = List.copyOf(tags);
        for (String t : tags) {
            if (t.isBlank() || t.contains(",")) {
                throw new IllegalArgumentException("invalid tag '" + t + "': tags are non-empty and contain no comma");
            }
        }
    }
}
