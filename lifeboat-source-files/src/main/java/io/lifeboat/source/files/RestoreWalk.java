package io.lifeboat.source.files;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.id.Hex;
import io.lifeboat.core.source.RestoreOutcome;
import io.lifeboat.core.source.RestoreReader;
import io.lifeboat.core.tree.Node;
import io.lifeboat.core.tree.NodeType;
import io.lifeboat.core.tree.Tree;
import io.lifeboat.source.files.IncludeFilter.Match;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Phaser;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * One restore run of a {@link FilesRestoreTarget}: walks the snapshot's trees depth-first and
 * recreates the selected entries below the target directory. Used by one thread, once.
 *
 * <p>The walk creates directories and symlinks itself and hands regular files to a few workers,
 * so that reading and decoding the next files overlaps with writing this one (a tree of many
 * small files otherwise restores one blob at a time). Directory metadata is applied at the end,
 * deepest first, once every file below is written: writing entries changes a directory's mtime,
 * and its mode may forbid writing. After a failure no new file is started; the failure of the
 * earliest file, in walk order, is the one reported.
 */
final class RestoreWalk {
    /** Prefix of the temporary sibling a file is written to before it is renamed into place. */
    static final String TEMP_PREFIX = ".lifeboat-restore-";

    private static final int BUFFER_SIZE = 64 * 1024;
    /** Files written at once; each also reads a few blobs ahead of itself. */
    static final int FILE_WORKERS = 4;
    private static final FileAttribute<?> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final RestoreReader reader;
    private final Path target;
    private final IncludeFilter filter;
    private final OverwritePolicy overwrite;
    private final RandomGenerator random;
    private final ProgressThrottle progress;
    private final MetadataWriter metadata;
    private final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
    private final ExecutorService workers;
    private final Semaphore slots = new Semaphore(FILE_WORKERS * 2);
    private final Phaser running = new Phaser(1);
    /** Failures of file workers by walk order; the first is reported. */
    private final ConcurrentSkipListMap<Long, Throwable> failures = new ConcurrentSkipListMap<>();
    /** Directories whose metadata is applied after the files, in post-order. */
    private final List<Runnable> directoryMetadata = new ArrayList<>();
    private final AtomicLong files = new AtomicLong();
    private final AtomicLong bytesWritten = new AtomicLong();
    private long submitted;
    private long directories;
    private long symlinks;

    RestoreWalk(RestoreReader reader, FilesRestoreTargetConfig config, boolean ownership, RandomGenerator random,
            Clock clock) {
        this.reader = reader;
        this.target = config.target();
        this.filter = new IncludeFilter(config.includes());
        this.overwrite = config.overwrite();
        this.random = random;
        this.progress = new ProgressThrottle(reader.progress(), clock, "restore");
        this.metadata = new MetadataWriter(ownership, warnings::add);
        this.workers = Executors.newFixedThreadPool(FILE_WORKERS,
                Thread.ofPlatform().daemon().name("restore-file-", 0).factory());
    }

    RestoreOutcome run(BlobId root) {
        Tree rootTree = reader.loadTree(root);
        checkIncludesExist(rootTree);
        prepareTarget();
        try {
            removeLeftovers(target, rootTree);
        } catch (IOException e) {
            throw writeFailure(target, e);
        }
        try {
            restoreTree(rootTree, target, "", filter.root());
            awaitFiles();
        } finally {
            stopWorkers();
        }
        for (Runnable apply : directoryMetadata) {
            apply.run();
        }
        progress.finish(files.get(), bytesWritten.get());
        return new RestoreOutcome(files.get(), directories, symlinks, bytesWritten.get(), List.copyOf(warnings));
    }

    /**
     * Interrupts the workers still running (after a failure) and waits for them, so that each
     * has removed its temporary file before the restore returns.
     */
    private void stopWorkers() {
        workers.shutdownNow();
        try {
            if (!workers.awaitTermination(1, TimeUnit.MINUTES)) {
                warn(target.toString(), "file writers did not stop within a minute");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for every file handed to the workers; rethrows the earliest failure. */
    private void awaitFiles() {
        try {
            running.awaitAdvanceInterruptibly(running.arrive());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifeboatException(ErrorCode.INTERRUPTED, "restore interrupted while files were being written",
                    "run the restore again; overwrite policy IF_CHANGED skips the files already restored", e);
        }
        rethrowFirstFailure();
    }

    private void rethrowFirstFailure() {
        var first = failures.firstEntry();
        if (first == null) {
            return;
        }
        Throwable t = first.getValue();
        failures.values().stream().skip(1).forEach(t::addSuppressed);
        switch (t) {
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            default -> throw new LifeboatException(ErrorCode.INTERNAL, "restore failed: " + t, null, t);
        }
    }

    /** Runs {@code file} on a worker, at most a bounded number ahead of the writers. */
    private void submitFile(Node node, Path dest, String path) {
        if (!failures.isEmpty()) {
            awaitFiles(); // throws: no new file after a failure
        }
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifeboatException(ErrorCode.INTERRUPTED, "restore interrupted at " + path,
                    "run the restore again; overwrite policy IF_CHANGED skips the files already restored", e);
        }
        long order = submitted++;
        running.register();
        try {
            workers.execute(() -> {
                try {
                    file(node, dest, path);
                } catch (IOException e) {
                    failures.put(order, writeFailure(dest, e));
                } catch (Throwable t) {
                    failures.put(order, t);
                } finally {
                    slots.release();
                    running.arriveAndDeregister();
                }
            });
        } catch (RuntimeException e) {
            slots.release();
            running.arriveAndDeregister();
            throw e;
        }
    }

    /** Fails before anything is written if an include path names nothing in the snapshot. */
    private void checkIncludesExist(Tree root) {
        for (String include : filter.includes()) {
            Tree tree = root;
            String[] names = include.substring(1).split("/");
            for (int i = 0; i < names.length; i++) {
                Optional<Node> node = tree.find(names[i]);
                boolean last = i == names.length - 1;
                if (node.isEmpty() || (!last && node.get().type() != NodeType.DIRECTORY)) {
                    throw LifeboatException.notFound("snapshot path " + include,
                            "list the snapshot's paths with 'lifeboat ls <snapshot>' and include one of them");
                }
                if (!last) {
                    tree = reader.loadTree(node.get().subtree());
                }
            }
        }
    }

    private void prepareTarget() {
        try {
            Files.createDirectories(target);
        } catch (FileAlreadyExistsException e) {
            throw new LifeboatException(ErrorCode.USAGE, "restore target " + target + " exists and is not a directory",
                    "restore into a directory", e);
        } catch (IOException e) {
            throw writeFailure(target, e);
        }
    }

    private void restoreTree(Tree tree, Path dir, String snapshotDir, Match dirMatch) {
        for (Node node : tree.nodes()) {
            String path = snapshotDir + "/" + node.name();
            Match match = filter.match(path, dirMatch);
            if (match == Match.NONE) {
                continue;
            }
            Path dest = child(dir, node.name(), path);
            checkInterrupted(path);
            try {
                switch (node.type()) {
                    case DIRECTORY -> directory(node, dest, path, match);
                    case FILE, STREAM -> {
                        if (match == Match.WHOLE) {
                            submitFile(node, dest, path);
                        }
                    }
                    case SYMLINK -> {
                        if (match == Match.WHOLE) {
                            symlink(node, dest, path);
                        }
                    }
                }
            } catch (IOException e) {
                throw writeFailure(dest, e);
            }
        }
    }

    private void directory(Node node, Path dest, String path, Match match) throws IOException {
        Optional<BasicFileAttributes> existing = existing(dest);
        if (existing.isPresent() && !existing.get().isDirectory()) {
            if (overwrite == OverwritePolicy.NEVER) {
                warn(path, "exists and is not a directory; kept (overwrite policy NEVER), nothing below it restored");
                return;
            }
            Files.delete(dest);
            existing = Optional.empty();
        }
        Tree tree = reader.loadTree(node.subtree());
        if (existing.isEmpty()) {
            Files.createDirectory(dest);
        } else {
            removeLeftovers(dest, tree);
        }
        restoreTree(tree, dest, path, match);
        // After the files (see the class comment): post-order, so children come before parents.
        if (existing.isEmpty() || overwrite != OverwritePolicy.NEVER) {
            directoryMetadata.add(() -> metadata.apply(dest, node, path));
        }
        directories++;
    }

    private void file(Node node, Path dest, String path) throws IOException {
        Optional<BasicFileAttributes> existing = existing(dest);
        if (existing.isPresent() && !keepOrReplace(existing.get(), path)) {
            return;
        }
        if (existing.isPresent() && overwrite == OverwritePolicy.IF_CHANGED && existing.get().isRegularFile()
                && existing.get().size() == node.size()
                && existing.get().lastModifiedTime().toInstant().equals(node.mtime())) {
            metadata.apply(dest, node, path);
            offerProgress(files.incrementAndGet(), path);
            return;
        }
        Path temp = tempSibling(dest);
        try {
            try (FileChannel out = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS), PRIVATE_FILE)) {
                long written = copyContent(node, out, path, temp);
                if (written != node.size()) {
                    throw LifeboatException.damaged("restore of " + path + ": content has " + written
                            + " bytes, the snapshot records " + node.size(),
                            "run 'lifeboat check --read-data' to find the damaged snapshot data");
                }
            }
            metadata.apply(temp, node, path);
            Files.move(temp, dest, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException | Error e) {
            // Never leave a partial file behind: a damaged blob must not look like restored data.
            discard(temp, e);
            throw e;
        }
        offerProgress(files.incrementAndGet(), path);
    }

    private void offerProgress(long filesDone, String path) {
        synchronized (progress) {
            progress.offer(filesDone, bytesWritten.get(), path);
        }
    }

    /** Copies the node's content into {@code out}; read failures name the snapshot path, write failures the file. */
    private long copyContent(Node node, FileChannel out, String path, Path temp) {
        if (node.content().isEmpty()) {
            return 0;
        }
        long written = 0;
        byte[] buffer = new byte[BUFFER_SIZE];
        try (InputStream in = reader.openContent(node.content())) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                writeFully(out, buffer, n, temp);
                written += n;
                bytesWritten.addAndGet(n);
                offerProgress(files.get(), path);
            }
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.STORAGE_IO, "restore of " + path + ": reading its content failed: "
                    + e.getMessage(), "check the repository's storage, then run the restore again", e, true);
        } catch (LifeboatException e) {
            // The repository names the blob and pack; the user needs to know which file it breaks too.
            throw new LifeboatException(e.code(), "restore of " + path + ": " + e.getMessage(), e.hint(), e,
                    e.retryable());
        }
        return written;
    }

    private static void writeFully(FileChannel out, byte[] buffer, int length, Path temp) {
        ByteBuffer buf = ByteBuffer.wrap(buffer, 0, length);
        try {
            while (buf.hasRemaining()) {
                out.write(buf);
            }
        } catch (IOException e) {
            throw writeFailure(temp, e);
        }
    }

    private void symlink(Node node, Path dest, String path) throws IOException {
        Optional<BasicFileAttributes> existing = existing(dest);
        if (existing.isPresent() && !keepOrReplace(existing.get(), path)) {
            return;
        }
        Path linkTarget;
        try {
            linkTarget = Path.of(node.linkTarget());
        } catch (InvalidPathException e) {
            throw unencodable(path, e);
        }
        Path temp = tempSibling(dest);
        try {
            Files.createSymbolicLink(temp, linkTarget);
            metadata.apply(temp, node, path);
            Files.move(temp, dest, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException | Error e) {
            discard(temp, e);
            throw e;
        }
        symlinks++;
    }

    /**
     * Deletes the temporary files a killed restore left in {@code dir}: regular files and symlinks
     * whose name is exactly {@link #TEMP_PREFIX} plus 16 hex digits and that the snapshot does not
     * itself hold. Nothing else is ever touched. Silent: the files are ours and hold nothing the
     * snapshot does not.
     */
    private static void removeLeftovers(Path dir, Tree tree) throws IOException {
        List<Path> leftovers = new ArrayList<>();
        try (var entries = Files.newDirectoryStream(dir, RestoreWalk::isTempName)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (tree.find(name).isEmpty()
                        && !Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isDirectory()) {
                    leftovers.add(entry);
                }
            }
        }
        for (Path leftover : leftovers) {
            Files.deleteIfExists(leftover);
        }
    }

    static boolean isTempName(Path entry) {
        String name = entry.getFileName().toString();
        return name.length() == TEMP_PREFIX.length() + 16 && name.startsWith(TEMP_PREFIX)
                && name.substring(TEMP_PREFIX.length()).chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }

    /** Deletes {@code temp} after {@code failure}; a failing delete is recorded on the failure. */
    private static void discard(Path temp, Throwable failure) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException cleanup) {
            failure.addSuppressed(cleanup);
        }
    }

    /** Whether an existing entry at a file's or symlink's place may be replaced; warns if not. */
    private boolean keepOrReplace(BasicFileAttributes existing, String path) {
        if (existing.isDirectory()) {
            warn(path, "exists as a directory; kept, the snapshot's entry was not restored");
            return false;
        }
        if (overwrite == OverwritePolicy.NEVER) {
            warn(path, "exists; kept (overwrite policy NEVER)");
            return false;
        }
        return true;
    }

    private static Optional<BasicFileAttributes> existing(Path path) throws IOException {
        try {
            return Optional.of(Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private Path tempSibling(Path dest) {
        byte[] name = new byte[8];
        synchronized (random) {
            random.nextBytes(name);
        }
        return dest.resolveSibling(TEMP_PREFIX + Hex.encode(name));
    }

    /**
     * The place of entry {@code name} in {@code dir}. Node names are validated on decoding; this
     * check keeps a bug or a forged tree from ever writing outside the target.
     */
    private Path child(Path dir, String name, String path) {
        Path child;
        try {
            child = dir.resolve(name);
        } catch (InvalidPathException e) {
            throw unencodable(path, e);
        }
        if (!dir.equals(child.getParent()) || !child.normalize().equals(child) || !child.startsWith(target)) {
            throw LifeboatException.damaged("restore of " + path + ": entry name would write outside " + target,
                    "the snapshot's tree is invalid; run 'lifeboat check'");
        }
        return child;
    }

    private void warn(String path, String message) {
        warnings.add(path + ": " + message);
    }

    private static void checkInterrupted(String path) {
        if (Thread.currentThread().isInterrupted()) {
            throw new LifeboatException(ErrorCode.INTERRUPTED, "restore interrupted at " + path,
                    "run the restore again; overwrite policy IF_CHANGED skips the files already restored");
        }
    }

    private static LifeboatException unencodable(String path, InvalidPathException e) {
        return new LifeboatException(ErrorCode.SOURCE_ERROR, "restore of " + path
                + ": the name cannot be encoded in the file name encoding (sun.jnu.encoding="
                + System.getProperty("sun.jnu.encoding") + ")", "run Lifeboat with a UTF-8 locale, e.g. LC_ALL=C.UTF-8", e);
    }

    private static LifeboatException writeFailure(Path path, IOException e) {
        return new LifeboatException(ErrorCode.SOURCE_ERROR, "restore: cannot write " + path + ": " + e.getMessage(),
                "check free space and permissions of the restore target", e);
    }
}
