package io.lifeboat.storage.local;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.io.FileChannels;
import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectInfo;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.core.storage.Storage;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@link Storage} in a directory of the local file system (or of a mounted network file
 * system); see the package documentation for the layout and the steps of a write.
 *
 * <h2>How the contract is kept</h2>
 * <ul>
 *   <li><b>Atomic, durable put:</b> temporary, {@code fsync}, {@code rename} over the name,
 *       {@code fsync} of the folder. A reader has the old or the new file open, never a mix.</li>
 *   <li><b>Exclusive create across processes:</b> the synced temporary is hard-linked to the
 *       name, which fails when the name exists, on every POSIX file system and NFS. Where the file
 *       system refuses hard links (FAT, some FUSE and SMB mounts), creates fall back, for the rest
 *       of this instance's life, to an exists-check and rename under an exclusive OS file lock on
 *       {@code <root>/.create.lock}; there, a {@code put} of the same name racing a
 *       {@code create} may be overwritten by it.</li>
 *   <li><b>Listing</b> walks the kind's folder (two levels for {@code data/}, any depth for
 *       {@code wal/}), skips every name starting with a dot, and lists only files whose path is
 *       exactly the path of the handle their name gives; anything else was not written by us.</li>
 *   <li><b>Failures:</b> see {@link FileSystemFailure} for which ones are retryable. Reading a
 *       name where a folder is ({@code wal/a} when {@code wal/a/b} exists) is NOT_FOUND.</li>
 * </ul>
 *
 * <p>Folders are never removed, so an empty {@code data/3f/} may stay after a prune, as in
 * restic. A WAL name cannot be both an object and a folder of another WAL name
 * ({@code a} and {@code a/b}); writing the second fails with a non-retryable STORAGE_IO.
 *
 * <p>Thread safe and safe for several processes on one directory. Holds no open files between
 * calls; {@link #close()} does nothing.
 */
public final class LocalStorage implements Storage {
    /** Start of every temporary file name; object names never start with a dot. */
    public static final String TEMPORARY_PREFIX = ".tmp-";
    static final String CREATE_LOCK = ".create.lock";
    private static final Duration CREATE_LOCK_TIMEOUT = Duration.ofSeconds(30);
    /** Deeper than any WAL name of at most 200 characters can go. */
    private static final int MAX_DEPTH = 101;

    /** How {@link #create} commits; {@link #LOCKED_RENAME} only where hard links are refused. */
    enum CreateMethod { HARD_LINK, LOCKED_RENAME }

    private final LocalStorageConfig config;
    private final Path root;
    private final Clock clock;
    private final FileAttribute<?>[] fileMode;
    private final FileAttribute<?>[] folderMode;
    private final CreateLock createLock;
    private volatile CreateMethod createMethod;
    /** Whether large objects are written with O_DIRECT; off once the file system refused it. */
    private volatile boolean directWrites = true;

    public LocalStorage(LocalStorageConfig config) {
        this(config, Clock.systemUTC(), CreateMethod.HARD_LINK);
    }

    /** {@code clock} decides the age of temporaries; tests force {@code createMethod}. */
    LocalStorage(LocalStorageConfig config, Clock clock, CreateMethod createMethod) {
        this.config = Objects.requireNonNull(config, "config");
        this.root = config.root();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.createMethod = Objects.requireNonNull(createMethod, "createMethod");
        this.createLock = new CreateLock(root.resolve(CREATE_LOCK), CREATE_LOCK_TIMEOUT);
        boolean posix = root.getFileSystem().supportedFileAttributeViews().contains("posix");
        this.fileMode = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        this.folderMode = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))}
                : new FileAttribute<?>[0];
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new LifeboatException(ErrorCode.USAGE, "repository location " + root + " is not a directory",
                    "give the path of a directory; it is created when it does not exist");
        }
    }

    public LocalStorageConfig config() {
        return config;
    }

    @Override
    public String location() {
        return root.toString();
    }

    @Override
    public void put(Handle handle, byte[] content) {
        putPrefix(handle, content, content.length);
    }

    /** Content addresses are not checked here: {@code check --read-data} hashes every pack. */
    @Override
    public void putContentAddressed(Handle handle, byte[] content, int length) {
        Objects.checkFromIndexSize(0, length, content.length);
        putPrefix(handle, content, length);
    }

    private void putPrefix(Handle handle, byte[] content, int length) {
        Path target = path(handle);
        try {
            Path temporary = writeTemporary(target.getParent(), content, length);
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException e) {
                deleteAfterFailure(temporary, e);
                throw e;
            }
            syncFolder(target.getParent());
        } catch (IOException e) {
            throw FileSystemFailure.of(e, "write " + handle.path(), root);
        }
    }

    @Override
    public boolean create(Handle handle, byte[] content) {
        Path target = path(handle);
        try {
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            Path temporary = writeTemporary(target.getParent(), content, content.length);
            boolean created;
            try {
                created = createMethod == CreateMethod.HARD_LINK
                        ? link(temporary, target)
                        : createLock.renameIfAbsent(temporary, target, fileMode);
            } catch (IOException | RuntimeException e) {
                deleteAfterFailure(temporary, e);
                throw e;
            }
            Files.deleteIfExists(temporary);
            syncFolder(target.getParent());
            return created;
        } catch (IOException e) {
            throw FileSystemFailure.of(e, "create " + handle.path(), root);
        }
    }

    @Override
    public byte[] get(Handle handle) {
        try {
            return FileChannels.readAll(path(handle));
        } catch (IOException e) {
            throw FileSystemFailure.isMissing(e) ? notFound(handle) : FileSystemFailure.of(e, "read " + handle.path(), root);
        }
    }

    @Override
    public byte[] getRange(Handle handle, long offset, int length) {
        return readRange(handle, offset, length, null);
    }

    @Override
    public void getRange(Handle handle, long offset, int length, byte[] into) {
        Objects.checkFromIndexSize(0, Math.max(0, length), into.length);
        readRange(handle, offset, length, into);
    }

    /** The range, into {@code into} or (when null) a new array, allocated once the object is known to hold it. */
    private byte[] readRange(Handle handle, long offset, int length, byte[] into) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative range " + offset + "+" + length + " of " + handle);
        }
        try (FileChannel channel = FileChannel.open(path(handle), StandardOpenOption.READ)) {
            long size = channel.size();
            if (offset + length > size) {
                throw beyondEnd(handle, offset, length, size);
            }
            byte[] content = into != null ? into : new byte[length];
            int n = FileChannels.readAt(channel, content, 0, length, offset);
            if (n < length) {
                throw beyondEnd(handle, offset, length, offset + n);
            }
            return content;
        } catch (IOException e) {
            throw FileSystemFailure.isMissing(e) ? notFound(handle) : FileSystemFailure.of(e, "read " + handle.path(), root);
        }
    }

    @Override
    public Optional<ObjectInfo> stat(Handle handle) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(path(handle), BasicFileAttributes.class);
            return attributes.isRegularFile()
                    ? Optional.of(new ObjectInfo(handle, attributes.size(), attributes.lastModifiedTime().toInstant()))
                    : Optional.empty();
        } catch (IOException e) {
            if (FileSystemFailure.isMissing(e)) {
                return Optional.empty();
            }
            throw FileSystemFailure.of(e, "read the attributes of " + handle.path(), root);
        }
    }

    @Override
    public List<ObjectInfo> list(ObjectKind kind) {
        Objects.requireNonNull(kind, "kind");
        if (kind == ObjectKind.CONFIG) {
            return stat(Handle.CONFIG).map(List::of).orElse(List.of());
        }
        int depth = switch (kind) {
            case DATA -> 2;
            case WAL -> MAX_DEPTH;
            case CONFIG, KEY, INDEX, SNAPSHOT, LOCK, HOLD -> 1;
        };
        try {
            List<ObjectInfo> objects = new ArrayList<>();
            new FolderWalk(root.resolve(kind.folder()), depth).forEachFile((file, attributes) ->
                    handleOf(kind, file).ifPresent(handle -> objects.add(
                            new ObjectInfo(handle, attributes.size(), attributes.lastModifiedTime().toInstant()))));
            return objects;
        } catch (IOException e) {
            throw FileSystemFailure.of(e, "list " + kind.folder() + "/", root);
        }
    }

    @Override
    public void delete(Handle handle) {
        Path target = path(handle);
        try {
            if (Files.deleteIfExists(target)) {
                syncFolder(target.getParent());
            }
        } catch (DirectoryNotEmptyException e) {
            // A folder of longer WAL names, not an object: the object is already absent.
        } catch (IOException e) {
            if (!FileSystemFailure.isMissing(e)) {
                throw FileSystemFailure.of(e, "delete " + handle.path(), root);
            }
        }
    }

    /**
     * Removes temporaries (files named {@code .tmp-*}, anywhere under the root) last modified
     * more than {@code olderThan} ago, left behind by crashed or killed writers. Returns how many
     * were removed.
     *
     * <p>Only safe with an age no write can reach: another process may be writing a younger
     * temporary right now. A day is the recommended age; {@code prune} calls this.
     */
    public int removeStaleTemporaryFiles(Duration olderThan) {
        if (olderThan.isNegative()) {
            throw new IllegalArgumentException("age must not be negative: " + olderThan);
        }
        Instant cutoff = clock.instant().minus(olderThan);
        int[] removed = {0};
        try {
            new FolderWalk(root, MAX_DEPTH, true).forEachFile((file, attributes) -> {
                if (file.getFileName().toString().startsWith(TEMPORARY_PREFIX)
                        && attributes.lastModifiedTime().toInstant().isBefore(cutoff)
                        && Files.deleteIfExists(file)) {
                    removed[0]++;
                }
            });
        } catch (IOException e) {
            throw FileSystemFailure.of(e, "remove stale temporary files", root);
        }
        return removed[0];
    }

    /**
     * Two packs at once: each write ends with an fsync of the file and of its directory, and
     * while one pack waits for the disk to confirm, the next one is already being written.
     */
    @Override
    public int preferredConcurrentWrites() {
        return 2;
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
        return "LocalStorage[" + root + (config.fsync() ? "" : ", no fsync") + "]";
    }

    CreateMethod createMethod() {
        return createMethod;
    }

    private Path path(Handle handle) {
        return root.resolve(Objects.requireNonNull(handle, "handle").path());
    }

    /** The handle whose path is {@code file}, or empty when {@code file} is no object of {@code kind}. */
    private Optional<Handle> handleOf(ObjectKind kind, Path file) {
        String relative = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
        String name = kind == ObjectKind.DATA
                ? file.getFileName().toString()
                : relative.substring(kind.folder().length() + 1);
        try {
            Handle handle = Handle.of(kind, name);
            return handle.path().equals(relative) ? Optional.of(handle) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Writes {@code content[0, length)} to a new temporary in {@code folder} and syncs it, creating the folder when needed. */
    private Path writeTemporary(Path folder, byte[] content, int length) throws IOException {
        createFolder(folder);
        for (int attempt = 1; ; attempt++) {
            Path temporary = folder.resolve(TEMPORARY_PREFIX
                    + Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE));
            FileChannel channel;
            try {
                channel = FileChannel.open(temporary,
                        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), fileMode);
            } catch (FileAlreadyExistsException e) {
                if (attempt < 3) {
                    continue;
                }
                throw e;
            }
            try (channel) {
                write(temporary, channel, content, length);
                if (config.fsync()) {
                    channel.force(true);
                }
            } catch (IOException | RuntimeException e) {
                deleteAfterFailure(temporary, e);
                throw e;
            }
            return temporary;
        }
    }

    /** Whether large objects still go around the page cache (false once the file system refused O_DIRECT). */
    boolean writesDirect() {
        return directWrites;
    }

    /**
     * Writes the content of a new temporary: a large object that will be synced goes around the
     * page cache ({@link DirectWrites}) where the file system allows it.
     */
    private void write(Path temporary, FileChannel channel, byte[] content, int length) throws IOException {
        if (directWrites && config.fsync() && length >= DirectWrites.FROM) {
            FileChannel direct = DirectWrites.open(temporary);
            if (direct != null) {
                try (direct) {
                    DirectWrites.write(direct, channel, content, length);
                }
                return;
            }
            directWrites = false;
        }
        FileChannels.write(channel, content, 0, length);
    }

    /** Commits by hard link; falls back to {@link CreateMethod#LOCKED_RENAME} where links are refused. */
    private boolean link(Path temporary, Path target) throws IOException {
        try {
            Files.createLink(target, temporary);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException e) {
            createMethod = CreateMethod.LOCKED_RENAME;
        } catch (FileSystemException e) {
            if (!refusesHardLinks(e)) {
                throw e;
            }
            createMethod = CreateMethod.LOCKED_RENAME;
        }
        return createLock.renameIfAbsent(temporary, target, fileMode);
    }

    /** EPERM, EOPNOTSUPP or ENOSYS from link(2): the file system has no hard links. */
    static boolean refusesHardLinks(FileSystemException e) {
        if (e instanceof AccessDeniedException || e.getReason() == null) {
            return false;
        }
        String reason = e.getReason().toLowerCase(Locale.ROOT);
        return reason.contains("operation not permitted") || reason.contains("not supported")
                || reason.contains("function not implemented");
    }

    /** Creates {@code folder} and its missing parents (mode 0700), syncing each parent. */
    private void createFolder(Path folder) throws IOException {
        if (Files.isDirectory(folder)) {
            return;
        }
        Path parent = folder.getParent();
        if (parent != null) {
            createFolder(parent);
        }
        try {
            Files.createDirectory(folder, folderMode);
        } catch (FileAlreadyExistsException e) {
            if (Files.isDirectory(folder)) {
                return;
            }
            throw e;
        }
        if (parent != null) {
            syncFolder(parent);
        }
    }

    /**
     * Syncs a folder so that names added or removed in it survive a crash. File systems that
     * cannot sync a folder answer EINVAL ({@code fsync(2)}: "fd is bound to a special file which
     * does not support synchronization"); that one answer is ignored. Without POSIX (Windows) a
     * folder cannot be opened for syncing, and NTFS journals its names anyway.
     */
    private void syncFolder(Path folder) throws IOException {
        if (!config.fsync() || fileMode.length == 0) {
            return;
        }
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            if (!"Invalid argument".equals(e.getMessage())) {
                throw e;
            }
        }
    }

    private static void deleteAfterFailure(Path temporary, Throwable failure) {
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private LifeboatException notFound(Handle handle) {
        return LifeboatException.notFound(handle.path() + " in " + root,
                "the object was never written or has been removed; run 'lifeboat check' to list missing objects");
    }

    private LifeboatException beyondEnd(Handle handle, long offset, int length, long size) {
        return LifeboatException.damaged(handle.path() + " in " + root + ": range " + offset + "+" + length
                        + " is beyond the end of the object (" + size + " bytes)",
                "the object is truncated or its index entry is wrong; run 'lifeboat check --read-data'");
    }
}
