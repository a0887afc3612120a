package io.lifeboat.storage.local;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a {@link LocalStorage} keeps its objects and whether it syncs them.
 *
 * @param root the repository directory; made absolute and normalized. It need not exist: it is
 *     created (mode 0700) when the first object is written.
 * @param fsync whether writes are synced to the disk before they return (default {@code true}).
 *     Only tests, benchmarks and throw-away repositories should turn it off: without it a power
 *     loss can lose or empty objects that were reported as written.
 */
public record LocalStorageConfig(Path root, boolean fsync) {
    public static final boolean DEFAULT_FSYNC = true;

    public LocalStorageConfig {
        Objects.requireNonNull(root, "root");
        if (root.toString().isBlank()) {
            throw new LifeboatException(ErrorCode.USAGE, "empty local repository path",
                    "give the directory of the repository, e.g. /srv/backup/lifeboat");
        }
        root = root.toAbsolutePath().normalize();
        if (root.getParent() == null) {
            throw new LifeboatException(ErrorCode.USAGE,
                    "refusing to use " + root + " as a repository: it is the root of the file system",
                    "give a directory below it, e.g. " + root.resolve("lifeboat"));
        }
    }

    /** {@code root} with the defaults. */
    public static LocalStorageConfig of(Path root) {
        return new LocalStorageConfig(root, DEFAULT_FSYNC);
    }

    public LocalStorageConfig withFsync(boolean sync) {
        return new LocalStorageConfig(root, sync);
    }
}
