package io.lifeboat.source.files;

import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.tree.Node;
import io.lifeboat.core.tree.NodeType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The lstat(2) facts of one directory entry, as read through the JDK's "unix" attribute view.
 *
 * @param stMode file type and permission bits, as {@code st_mode}
 */
record FileMetadata(int stMode, long uid, long gid, Instant mtime, long size, long inode, long device) {

    /** What kind of entry {@code st_mode} describes; only the first three are backed up. */
    enum Kind {
        REGULAR("file"),
        DIRECTORY("directory"),
        SYMLINK("symlink"),
        FIFO("fifo"),
        SOCKET("socket"),
        CHARACTER_DEVICE("character device"),
        BLOCK_DEVICE("block device"),
        UNKNOWN("file of unknown type");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /**
     * Only the attributes we use: asking for "unix:*" would also resolve owner and group names,
     * one passwd/group lookup per file.
     */
    private static final String ATTRIBUTES = "unix:mode,uid,gid,lastModifiedTime,size,ino,dev";

    private static final int S_IFMT = 0170000;
    private static final int PERMISSION_BITS = 07777;

    /** Reads the entry itself, never what a symlink points to. */
    static FileMetadata read(Path path) throws IOException {
        return read(path, LinkOption.NOFOLLOW_LINKS);
    }

    /** Reads what {@code path} resolves to, following symlinks (for directories above named paths). */
    static FileMetadata readFollowingLinks(Path path) throws IOException {
        return read(path, new LinkOption[0]);
    }

    private static FileMetadata read(Path path, LinkOption... options) throws IOException {
        Map<String, Object> a = Files.readAttributes(path, ATTRIBUTES, options);
        return new FileMetadata(
                (Integer) a.get("mode"),
                Integer.toUnsignedLong((Integer) a.get("uid")),
                Integer.toUnsignedLong((Integer) a.get("gid")),
                ((FileTime) a.get("lastModifiedTime")).toInstant(),
                (Long) a.get("size"),
                (Long) a.get("ino"),
                (Long) a.get("dev"));
    }

    Kind kind() {
        return switch (stMode & S_IFMT) {
            case 0100000 -> Kind.REGULAR;
            case 0040000 -> Kind.DIRECTORY;
            case 0120000 -> Kind.SYMLINK;
            case 0010000 -> Kind.FIFO;
            case 0140000 -> Kind.SOCKET;
            case 0020000 -> Kind.CHARACTER_DEVICE;
            case 0060000 -> Kind.BLOCK_DEVICE;
            default -> Kind.UNKNOWN;
        };
    }

    int permissions() {
        return stMode & PERMISSION_BITS;
    }

    /**
     * Whether a file with this metadata may reuse the content recorded in {@code previous} without
     * being read: same type, size, mtime to the nanosecond, inode and device.
     */
    boolean unchangedSince(Node previous) {
        return previous.type() == NodeType.FILE
                && previous.size() == size
                && previous.mtime().equals(mtime)
                && previous.inode() == inode
                && previous.device() == device;
    }

    /** Whether a re-read after reading the content shows the file was written meanwhile. */
    boolean changedTo(FileMetadata after) {
        return after.size != size || !after.mtime.equals(mtime) || after.inode != inode || after.device != device;
    }

    Node fileNode(String name, List<BlobId> content, long contentSize) {
        return new Node(name, NodeType.FILE, permissions(), uid, gid, mtime, contentSize, inode, device, null,
                content, null);
    }

    Node directoryNode(String name, BlobId subtree) {
        return new Node(name, NodeType.DIRECTORY, permissions(), uid, gid, mtime, 0, inode, device, null, null,
                subtree);
    }

    Node symlinkNode(String name, String target) {
        return new Node(name, NodeType.SYMLINK, permissions(), uid, gid, mtime, 0, inode, device, target, null,
                null);
    }
}
