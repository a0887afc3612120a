package io.lifeboat.core.storage;

/** The kinds of objects a repository stores, each in its own folder (DESIGN.md, repository format). */
public enum ObjectKind {
    CONFIG("config"),
    KEY("keys"),
    DATA("data"),
    INDEX("index"),
    SNAPSHOT("snapshots"),
    LOCK("locks"),
    WAL("wal"),
    /** Legal holds: one object per held snapshot, named by the snapshot id. */
    HOLD("holds");

    private final String folder;

    ObjectKind(String folder) {
        this.folder = folder;
    }

    /** The folder this kind lives in, relative to the repository root ({@code config} is a single file). */
    public String folder() {
        return folder;
    }
}
