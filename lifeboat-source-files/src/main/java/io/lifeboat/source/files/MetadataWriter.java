package io.lifeboat.source.files;

import io.lifeboat.core.tree.Node;
import io.lifeboat.core.tree.NodeType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.util.function.Consumer;

/**
 * Puts a node's owner, mtime and mode on a restored entry. The order matters: chown clears
 * setuid/setgid, so the mode comes after it; setting times opens the file, which a mode without
 * read permission would forbid, so times come before the mode. Failures are warnings: the content
 * is restored, the metadata incompletely.
 */
final class MetadataWriter {
    private final boolean ownership;
    private final Consumer<String> warnings;

    /**
     * @param ownership whether to set uid and gid (only root may give files away)
     * @param warnings receives one message per metadata item that could not be set
     */
    MetadataWriter(boolean ownership, Consumer<String> warnings) {
        this.ownership = ownership;
        this.warnings = warnings;
    }

    /**
     * Applies {@code node}'s metadata to {@code path}, which holds what was restored for the
     * snapshot path {@code name}.
     */
    void apply(Path path, Node node, String name) {
        boolean symlink = node.type() == NodeType.SYMLINK;
        if (ownership) {
            try {
                // Numeric ids, as recorded: the restoring host's user names may map differently.
                Files.setAttribute(path, "unix:uid", (int) node.uid(), LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(path, "unix:gid", (int) node.gid(), LinkOption.NOFOLLOW_LINKS);
            } catch (IOException | UnsupportedOperationException e) {
                warnings.accept(name + ": owner " + node.uid() + ":" + node.gid() + " not restored (" + e.getMessage() + ")");
            }
        }
        if (node.mtime() != null) {
            try {
                Files.getFileAttributeView(path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setTimes(FileTime.from(node.mtime()), null, null);
            } catch (UnsupportedOperationException e) {
                // Some platforms cannot set a symlink's own times; the link itself is what matters.
                if (!symlink) {
                    warnings.accept(name + ": mtime not restored (" + e.getMessage() + ")");
                }
            } catch (IOException e) {
                warnings.accept(name + ": mtime not restored (" + e.getMessage() + ")");
            }
        }
        if (!symlink) {
            // Linux has no mode of its own for a symlink.
            try {
                Files.setAttribute(path, "unix:mode", node.mode() & 07777);
            } catch (IOException | UnsupportedOperationException e) {
                warnings.accept(name + ": mode " + Integer.toOctalString(node.mode()) + " not restored (" + e.getMessage() + ")");
            }
        }
    }
}
