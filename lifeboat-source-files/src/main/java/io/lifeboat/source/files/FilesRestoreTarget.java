package io.lifeboat.source.files;

import com.sun.security.auth.module.UnixSystem;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.source.RestoreOutcome;
import io.lifeboat.core.source.RestoreReader;
import io.lifeboat.core.source.RestoreTarget;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Restores a files snapshot (or any snapshot's streams, as regular files) below a directory; see
 * the package documentation for layout, includes, overwrite and metadata. Thread safe: each
 * {@link #restore} call is an independent walk, but two restores into the same directory race.
 */
public final class FilesRestoreTarget implements RestoreTarget {
    private final FilesRestoreTargetConfig config;
    private final boolean ownership;
    private final RandomGenerator random;
    private final Clock clock;

    /** Restores ownership if, and only if, the process runs as root. */
    public FilesRestoreTarget(FilesRestoreTargetConfig config) {
        this(config, runningAsRoot(), new SecureRandom(), Clock.systemUTC());
    }

    /**
     * @param ownership whether to restore uid and gid (needs root; failures become warnings)
     * @param random names the temporary files
     * @param clock paces progress samples
     */
    public FilesRestoreTarget(FilesRestoreTargetConfig config, boolean ownership, RandomGenerator random, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.ownership = ownership;
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public FilesRestoreTargetConfig config() {
        return config;
    }

    /**
     * Restores the selected entries of the tree {@code root}. Fails with
     * {@code ErrorCode.NOT_FOUND} before writing anything if an include path is not in the
     * snapshot; stops at the first file whose content cannot be read or written, leaving no
     * partial file behind. Entries kept or metadata not restored are the outcome's warnings.
     */
    @Override
    public RestoreOutcome restore(BlobId root, RestoreReader reader) {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(reader, "reader");
        return new RestoreWalk(reader, config, ownership, random, clock).run(root);
    }

    /** Whether this process may give files away (chown to any user). */
    public static boolean runningAsRoot() {
        try {
            return new UnixSystem().getUid() == 0;
        } catch (LinkageError | RuntimeException e) {
            // Not a Unix JVM: no POSIX owners to restore.
            return false;
        }
    }
}
