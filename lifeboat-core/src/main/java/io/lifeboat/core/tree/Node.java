package io.lifeboat.core.tree;

import io.lifeboat.core.id.BlobId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One entry of a {@link Tree}. Files and streams carry their content as an ordered list of blob
 * ids; directories carry the id of their subtree blob; symlinks carry their target.
 *
 * @param mode POSIX permission bits (e.g. {@code 0644}), including setuid/setgid/sticky
 * @param inode inode number, with {@code device}, used only for change detection
 */
public record Node(
        String name,
        NodeType type,
        int mode,
        long uid,
        long gid,
        Instant mtime,
        long size,
        long inode,
        long device,
        String linkTarget,
        List<BlobId> content,
        BlobId subtree) {

    public Node {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("invalid node name: " + name);
        }
        content = content == null ? List.of() : List.copyOf(content);
        if (type == NodeType.DIRECTORY && subtree == null) {
            throw new IllegalArgumentException("directory node without subtree: " + name);
        }
        if (type == NodeType.SYMLINK && linkTarget == null) {
            throw new IllegalArgumentException("symlink node without target: " + name);
        }
    }

    public static Node stream(String name, long size, Instant mtime, List<BlobId> content) {
        return new Node(name, NodeType.STREAM, 0600, 0, 0, mtime, size, 0, 0, null, content, null);
    }

    /** Same metadata, new content (used when a changed file is re-read). */
    public Node withContent(List<BlobId> newContent, long newSize) {
        return new Node(name, type, mode, uid, gid, mtime, newSize, inode, device, linkTarget, newContent, subtree);
    }

    // equals and hashCode written out: a record's own are linked through invokedynamic on first
    // use, which the start-up cache does not keep (about 5 ms of an unchanged re-backup's walk,
    // which compares each directory's nodes with its parent snapshot's). NodeTest checks that
    // every component takes part.
    @Override
    public boolean equals(Object o) {
        return o instanceof Node n && mode == n.mode && uid == n.uid && gid == n.gid && size == n.size
                && inode == n.inode && device == n.device && type == n.type && name.equals(n.name)
                && Objects.equals(mtime, n.mtime) && Objects.equals(linkTarget, n.linkTarget)
                && content.equals(n.content) && Objects.equals(subtree, n.subtree);
    }

    @Override
    public int hashCode() {
        int h = name.hashCode();
        h = 31 * h + type.hashCode();
        h = 31 * h + mode;
        h = 31 * h + Long.hashCode(uid);
        h = 31 * h + Long.hashCode(gid);
        h = 31 * h + Objects.hashCode(mtime);
        h = 31 * h + Long.hashCode(size);
        h = 31 * h + Long.hashCode(inode);
        h = 31 * h + Long.hashCode(device);
        h = 31 * h + Objects.hashCode(linkTarget);
        h = 31 * h + content.hashCode();
        return 31 * h + Objects.hashCode(subtree);
    }
}
