package io.lifeboat.core.tree;

/** What a tree node stands for. */
public enum NodeType {
    FILE,
    DIRECTORY,
    SYMLINK,
    /** A byte stream produced by a source that is not a file system (a dump, a snapshot download). */
    STREAM
}
