package io.lifeboat.source.files;

/** What a restore does with an entry that already exists where a snapshot entry goes. */
public enum OverwritePolicy {
    /**
     * Replace existing files and symlinks (atomically, by rename). Existing directories are
     * merged into. An existing directory where the snapshot has a file or symlink is kept, with a
     * warning: a restore never deletes a directory tree.
     */
    ALWAYS,
    /**
     * Like {@link #ALWAYS}, except that an existing regular file with the snapshot's size and
     * mtime (to the nanosecond) keeps its content and only gets the snapshot's owner and mode:
     * an interrupted restore can resume without rewriting what it already wrote.
     */
    IF_CHANGED,
    /**
     * Change nothing that exists: existing files and symlinks are kept (one warning each), existing
     * directories are entered but keep their own metadata.
     */
    NEVER
}
