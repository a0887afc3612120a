package io.lifeboat.source.postgres.physical;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.source.RestoreOutcome;
import io.lifeboat.core.source.RestoreReader;
import io.lifeboat.core.source.RestoreTarget;
import io.lifeboat.core.tree.Node;
import io.lifeboat.core.tree.Tree;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes a base backup into a PostgreSQL data directory and prepares recovery: every file of
 * the snapshot (mode as backed up, directories 0700), then {@code recovery.signal} and the
 * {@link RecoveryTarget} settings appended to {@code postgresql.auto.conf}. Refuses a data
 * directory that holds anything. Files are fsynced before recovery is configured, so a crash
 * mid-restore never leaves a directory that looks ready.
 */
public final class PhysicalRestoreTarget implements RestoreTarget {
    /** Settings of an earlier recovery, which the new one replaces. */
    private static final Pattern EARLIER_RECOVERY =
            Pattern.compile("\\s*(restore_command|recovery_target\\w*|recovery_end_command|archive_cleanup_command)\\s*=");
    private final Path dataDir;
    private final RecoveryTarget target;
    private final String restoreCommand;
    private final List<String> extraSettings;
    private long files;
    private long directories;
    private long symlinks;
    private long bytes;

    public PhysicalRestoreTarget(Path dataDir, RecoveryTarget target, String restoreCommand) {
        this(dataDir, target, restoreCommand, List.of());
    }

    /** @param extraSettings further {@code postgresql.auto.conf} lines, e.g. {@code archive_mode = 'off'} */
    public PhysicalRestoreTarget(Path dataDir, RecoveryTarget target, String restoreCommand, List<String> extraSettings) {
        this.dataDir = dataDir.toAbsolutePath().normalize();
        this.target = target;
        this.restoreCommand = restoreCommand;
        this.extraSettings = List.copyOf(extraSettings);
    }

    @Override
    public RestoreOutcome restore(BlobId root, RestoreReader reader) {
        try {
            prepare();
            write(reader.loadTree(root), dataDir, reader);
            configure();
            return new RestoreOutcome(files, directories, symlinks, bytes, List.of());
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.STORAGE_IO, "writing the data directory " + dataDir + " failed: "
                    + e.getMessage(), "check free space and permissions of " + dataDir, e);
        }
    }

    private void prepare() throws IOException {
        if (Files.exists(dataDir)) {
            try (Stream<Path> s = Files.list(dataDir)) {
                if (s.findAny().isPresent()) {
                    throw new LifeboatException(ErrorCode.REFUSED, "data directory " + dataDir + " is not empty",
                            "restore into an empty or new directory; stop and move away the old cluster first");
                }
            }
            Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
        } else {
            Files.createDirectories(dataDir.getParent());
            Files.createDirectory(dataDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
    }

    private void write(Tree tree, Path dir, RestoreReader reader) throws IOException {
        for (Node n : tree.nodes()) {
            Path p = dir.resolve(n.name());
            switch (n.type()) {
                case DIRECTORY -> {
                    Files.createDirectory(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                    directories++;
                    write(reader.loadTree(n.subtree()), p, reader);
                }
                case SYMLINK -> {
                    Files.createSymbolicLink(p, Path.of(n.linkTarget()));
                    symlinks++;
                }
                case FILE, STREAM -> {
                    try (InputStream in = reader.openContent(n.content());
                            OutputStream out = Files.newOutputStream(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                        bytes += in.transferTo(out);
                    }
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString((n.mode() & 0070) != 0 ? "rw-r-----" : "rw-------"));
                    fsync(p);
                    files++;
                }
            }
        }
    }

    private void configure() throws IOException {
        Path auto = dataDir.resolve("postgresql.auto.conf");
        List<String> lines = new ArrayList<>();
        if (Files.exists(auto)) {
            // A cluster that was itself restored carries the settings of that recovery; two targets
            // would stop PostgreSQL from starting ("multiple recovery targets specified").
            for (String line : Files.readAllLines(auto, StandardCharsets.UTF_8)) {
                lines.add(EARLIER_RECOVERY.matcher(line).lookingAt() ? "# replaced by a later lifeboat restore: " + line : line);
            }
        }
        lines.add("");
        lines.add("# Added by lifeboat restore: point-in-time recovery from the repository's WAL archive.");
        lines.addAll(target.settings(restoreCommand));
        lines.addAll(extraSettings);
        Files.writeString(auto, String.join("\n", lines) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        fsync(auto);
        Path signal = dataDir.resolve("recovery.signal");
        Files.write(signal, new byte[0]);
        fsync(signal);
    }

    private static void fsync(Path p) {
        try (var ch = java.nio.channels.FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fsync " + p, e);
        }
    }
}
