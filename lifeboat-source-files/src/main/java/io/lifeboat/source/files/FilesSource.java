package io.lifeboat.source.files;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.source.BackupOutcome;
import io.lifeboat.core.source.BackupSink;
import io.lifeboat.core.source.ChunkingProfile;
import io.lifeboat.core.source.Source;
import io.lifeboat.core.source.SourceDescriptor;
import java.nio.file.FileSystems;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * Backs up directory trees (see the package documentation for the snapshot layout, change
 * detection and excludes). Thread safe: each {@link #backup} call is an independent walk.
 */
public final class FilesSource implements Source {
    public static final String KIND = "files";

    private final FilesSourceConfig config;
    private final ExcludePatterns excludes;
    private final PathSelection selection;
    private final Clock clock;

    public FilesSource(FilesSourceConfig config) {
        this(config, Clock.systemUTC());
    }

    /** @param clock paces progress samples */
    public FilesSource(FilesSourceConfig config, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.excludes = ExcludePatterns.compile(config.excludes());
        this.selection = PathSelection.of(config.paths());
    }

    public FilesSourceConfig config() {
        return config;
    }

    /** Kind "files"; identity the sorted absolute paths, one per line; paths as configured. */
    @Override
    public SourceDescriptor descriptor() {
        var paths = config.paths().stream().map(Object::toString).toList();
        return new SourceDescriptor(KIND, String.join("\n", config.sortedPathNames()), paths);
    }

    @Override
    public ChunkingProfile chunking() {
        return ChunkingProfile.FILES;
    }

    /**
     * Starts reading the configured paths' directories and attributes ahead of {@link #backup},
     * on a virtual thread, until the returned handle is closed; meant for the time the repository
     * is opened (see {@link MetadataPrefetch}).
     */
    public MetadataPrefetch prefetchMetadata() {
        return MetadataPrefetch.start(config.paths(), excludes);
    }

    /**
     * Walks the configured paths into {@code sink}. Unreadable entries become warnings of the
     * outcome; a failure of the sink stops the walk with its exception.
     */
    @Override
    public BackupOutcome backup(BackupSink sink, Optional<BlobId> parentRoot) {
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(parentRoot, "parentRoot");
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("unix")) {
            throw new LifeboatException(ErrorCode.SOURCE_ERROR,
                    "files source: this platform does not expose POSIX file metadata (unix attribute view)",
                    "run the files backup on Linux or another POSIX system");
        }
        return new BackupWalk(sink, excludes, config.oneFileSystem(), clock).run(selection, parentRoot);
    }
}
