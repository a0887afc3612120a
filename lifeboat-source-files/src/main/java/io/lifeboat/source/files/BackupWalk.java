package io.lifeboat.source.files;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.source.BackupOutcome;
import io.lifeboat.core.source.BackupSink;
import io.lifeboat.core.source.StoredContent;
import io.lifeboat.core.tree.Node;
import io.lifeboat.core.tree.NodeType;
import io.lifeboat.core.tree.Tree;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One backup run of a {@link FilesSource}: walks the selected paths depth-first, children in name
 * order, stores each directory's tree after its entries (bottom-up) and returns the root. Holds the
 * counters and warnings of the run; used by one thread, once.
 */
final class BackupWalk {
    private static final Path ROOT = Path.of("/");
    private static final Comparator<Path> BY_NAME = Comparator.comparing(p -> p.getFileName().toString());

    private final BackupSink sink;
    private final ExcludePatterns excludes;
    private final boolean oneFileSystem;
    private final ProgressThrottle progress;
    private final List<String> warnings = new ArrayList<>();
    private long files;
    private long directories;
    private long symlinks;
    private long bytesRead;
    private long unchangedFiles;
    private long excluded;

    BackupWalk(BackupSink sink, ExcludePatterns excludes, boolean oneFileSystem, Clock clock) {
        this.sink = sink;
        this.excludes = excludes;
        this.oneFileSystem = oneFileSystem;
        this.progress = new ProgressThrottle(sink.progress(), clock, "backup");
    }

    BackupOutcome run(PathSelection selection, Optional<BlobId> parentRoot) {
        Optional<ParentTree> parent = parentRoot.flatMap(id -> parentTree(id, ROOT));
        BlobId root;
        if (selection.whole()) {
            root = walkDirectory(ROOT, parent, rootMetadata().device());
        } else {
            root = selectedDirectory(ROOT, selection, parent);
        }
        progress.finish(files, bytesRead);
        return new BackupOutcome(root, files, directories, bytesRead, unchangedFiles,
                Map.of("symlinks", symlinks, "excluded", excluded), warnings);
    }

    /** A directory above the named paths: its real metadata, but only the entries leading to them. */
    private BlobId selectedDirectory(Path dir, PathSelection selection, Optional<ParentTree> parent) {
        var nodes = new ArrayList<Node>();
        for (var child : selection.children().entrySet()) {
            String name = child.getKey();
            Path path = dir.resolve(name);
            Optional<Node> previous = parent.flatMap(t -> t.tree().find(name));
            FileMetadata meta;
            try {
                // Above a named path a symlink is followed: the named path is reached through it.
                meta = child.getValue().whole() ? FileMetadata.read(path) : FileMetadata.readFollowingLinks(path);
            } catch (IOException e) {
                warn(path, "cannot read (" + describe(e) + "); skipped");
                continue;
            }
            if (child.getValue().whole()) {
                entry(path, name, meta, previous, meta.device()).ifPresent(nodes::add);
            } else if (meta.kind() != FileMetadata.Kind.DIRECTORY) {
                warn(path, "is no longer a directory; the paths below it were skipped");
            } else {
                BlobId subtree = selectedDirectory(path, child.getValue(), previousTree(previous, path));
                nodes.add(meta.directoryNode(name, subtree));
                directories++;
            }
        }
        return storeTree(nodes, parent);
    }

    /** A directory inside a named path: everything in it that is not excluded. */
    private BlobId walkDirectory(Path dir, Optional<ParentTree> parent, long device) {
        var nodes = new ArrayList<Node>();
        for (Path path : list(dir)) {
            checkInterrupted(path);
            String name = path.getFileName().toString();
            if (!roundTrips(dir, name, path)) {
                warn(path, "name does not decode in the file name encoding (sun.jnu.encoding="
                        + System.getProperty("sun.jnu.encoding") + "); skipped; run with a UTF-8 locale, e.g. LC_ALL=C.UTF-8");
                continue;
            }
            FileMetadata meta;
            try {
                meta = FileMetadata.read(path);
            } catch (IOException e) {
                warn(path, "cannot read (" + describe(e) + "); skipped");
                continue;
            }
            if (excludes.excludes(path, meta.kind() == FileMetadata.Kind.DIRECTORY)) {
                excluded++;
                continue;
            }
            entry(path, name, meta, parent.flatMap(t -> t.tree().find(name)), device).ifPresent(nodes::add);
        }
        return storeTree(nodes, parent);
    }

    /**
     * Stores a directory's tree. When it equals the parent snapshot's tree of the same directory
     * (nothing in it changed), that tree's id is reused: it is indexed already, and encoding and
     * hashing it again would give the same id. Most directories of an unchanged tree end here.
     */
    private BlobId storeTree(List<Node> nodes, Optional<ParentTree> parent) {
        Tree tree = new Tree(nodes);
        if (parent.isPresent() && parent.get().tree().equals(tree) && sink.contains(List.of(parent.get().id()))) {
            return parent.get().id();
        }
        return sink.storeTree(tree);
    }

    /**
     * Whether {@code name}, the decoded form of {@code path}'s last element, encodes back to the
     * same bytes. If not (bytes that are invalid in the locale's charset), the snapshot could not
     * name the file, nor the restore recreate it.
     */
    private static boolean roundTrips(Path dir, String name, Path path) {
        try {
            return dir.resolve(name).equals(path);
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private List<Path> list(Path dir) {
        var entries = new ArrayList<Path>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path path : stream) {
                entries.add(path);
            }
        } catch (IOException | DirectoryIteratorException e) {
            IOException cause = e instanceof DirectoryIteratorException d ? d.getCause() : (IOException) e;
            warn(dir, "cannot list directory (" + describe(cause) + "); recorded as empty");
            return List.of();
        }
        entries.sort(BY_NAME);
        return entries;
    }

    private Optional<Node> entry(Path path, String name, FileMetadata meta, Optional<Node> previous, long device) {
        switch (meta.kind()) {
            case REGULAR -> {
                return file(path, name, meta, previous);
            }
            case DIRECTORY -> {
                BlobId subtree;
                if (oneFileSystem && meta.device() != device) {
                    subtree = sink.storeTree(new Tree(List.of()));
                } else {
                    subtree = walkDirectory(path, previousTree(previous, path), device);
                }
                directories++;
                return Optional.of(meta.directoryNode(name, subtree));
            }
            case SYMLINK -> {
                return symlink(path, name, meta);
            }
            default -> {
                warn(path, "is a " + meta.kind().label + "; skipped (only files, directories and symlinks are backed up)");
                return Optional.empty();
            }
        }
    }

    private Optional<Node> symlink(Path path, String name, FileMetadata meta) {
        try {
            String target = Files.readSymbolicLink(path).toString();
            symlinks++;
            return Optional.of(meta.symlinkNode(name, target));
        } catch (IOException e) {
            warn(path, "cannot read symlink (" + describe(e) + "); skipped");
            return Optional.empty();
        }
    }

    private Optional<Node> file(Path path, String name, FileMetadata meta, Optional<Node> previous) {
        if (previous.isPresent() && meta.unchangedSince(previous.get()) && sink.contains(previous.get().content())) {
            files++;
            unchangedFiles++;
            progress.offer(files, bytesRead, path);
            return Optional.of(meta.fileNode(name, previous.get().content(), previous.get().size()));
        }
        Optional<StoredContent> stored = read(path);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        FileMetadata after = null;
        try {
            after = FileMetadata.read(path);
        } catch (IOException e) {
            // Gone or unreadable after reading: it changed; the warning below says so.
        }
        long size = stored.get().size();
        if (after == null || meta.changedTo(after) || size != meta.size()) {
            warn(path, "changed while being read; stored the " + size + " bytes read, which may mix old and new content");
        }
        files++;
        progress.offer(files, bytesRead, path);
        // The metadata from before the read: if the file changed, the next backup sees a new mtime and reads it again.
        return Optional.of(meta.fileNode(name, stored.get().blobs(), size));
    }

    /** Stores the file's content; empty if the file could not be read (then a warning says why). */
    private Optional<StoredContent> read(Path path) {
        SourceFileStream stream = null;
        try (InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
            stream = new SourceFileStream(in, n -> {
                bytesRead += n;
                progress.offer(files, bytesRead, path);
            });
            return Optional.of(sink.storeContent(stream));
        } catch (IOException | RuntimeException e) {
            IOException fileFailure = stream == null ? (e instanceof IOException io ? io : null) : stream.failure();
            if (fileFailure == null && e instanceof java.io.InterruptedIOException && Thread.currentThread().isInterrupted()) {
                // Interrupted while waiting for the file's bytes from the sink's read-ahead.
                throw interrupted(path, (IOException) e);
            }
            if (fileFailure == null) {
                // The sink failed, not the file: the repository cannot take the backup, so stop.
                if (e instanceof RuntimeException r) {
                    throw r;
                }
                throw new LifeboatException(ErrorCode.STORAGE_IO, "backup of " + path + ": storing its content failed: "
                        + e.getMessage(), "check the repository's storage, then run the backup again", e);
            }
            if (fileFailure instanceof ClosedByInterruptException || Thread.currentThread().isInterrupted()) {
                throw interrupted(path, fileFailure);
            }
            warn(path, "cannot read (" + describe(fileFailure) + "); skipped");
            return Optional.empty();
        }
    }

    private Optional<ParentTree> previousTree(Optional<Node> previous, Path path) {
        return previous.filter(n -> n.type() == NodeType.DIRECTORY).flatMap(n -> parentTree(n.subtree(), path));
    }

    /**
     * A tree of the parent snapshot. If it cannot be loaded, the files below are read again; the
     * warning points at a damaged repository, which the user must learn about.
     */
    private Optional<ParentTree> parentTree(BlobId id, Path path) {
        try {
            return Optional.of(new ParentTree(id, sink.loadTree(id)));
        } catch (LifeboatException e) {
            if (e.code() != ErrorCode.DAMAGED_DATA && e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
            warn(path, "tree " + id.shortHex() + " of the parent snapshot cannot be loaded (" + e.getMessage()
                    + "); everything below was read again; run 'lifeboat check' on the repository");
            return Optional.empty();
        }
    }

    private FileMetadata rootMetadata() {
        try {
            return FileMetadata.read(ROOT);
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.SOURCE_ERROR, "backup of /: cannot read it: " + describe(e),
                    "check that the backup runs with access to /", e);
        }
    }

    private void warn(Path path, String message) {
        warnings.add(path + ": " + message);
    }

    private static void checkInterrupted(Path path) {
        if (Thread.currentThread().isInterrupted()) {
            throw interrupted(path, null);
        }
    }

    private static LifeboatException interrupted(Path path, Throwable cause) {
        return new LifeboatException(ErrorCode.INTERRUPTED, "backup of files interrupted at " + path,
                "run the backup again; nothing of this run is committed", cause);
    }

    static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "it vanished";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** A directory's tree in the parent snapshot, with its id. */
    private record ParentTree(BlobId id, Tree tree) {}
}
