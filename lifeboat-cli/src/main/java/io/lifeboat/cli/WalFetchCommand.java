package io.lifeboat.cli;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.wal.WalArchive;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lifeboat wal fetch NAME DEST}: PostgreSQL's {@code restore_command}. A file that is not
 * archived exits 13 and prints nothing: recovery asks for files past the end of the archive (and
 * for {@code .history} files that never existed) and treats a non-zero exit as "no such file".
 */
@Command(name = "fetch", description = {
        "Fetch one WAL file (restore_command = 'lifeboat wal fetch --repo R --password-file F %f %p').",
        "A file that is not archived exits 13 silently, so that recovery ends normally at the end of the archive."})
final class WalFetchCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    GlobalOptions options;

    @Parameters(index = "0", paramLabel = "NAME", description = "The WAL file name (%f).")
    String name;

    @Parameters(index = "1", paramLabel = "DEST", description = "Where to write it (%p).")
    Path dest;

    @Option(names = "--system-id", paramLabel = "ID", description = "The PostgreSQL system identifier. Default: from global/pg_control of the data directory, else the repository's only system.")
    String systemId;

    WalFetchCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        Optional<byte[]> content;
        try (Repository repo = ctx.open(options)) {
            WalArchive wal = new WalArchive(repo.storage(), repo.codec());
            String sysid = systemId != null ? systemId : WalFiles.systemIdOfDataDir(WalFiles.dataDirOf(dest))
                    .orElseGet(() -> onlySystem(wal.systemIds()));
            content = sysid == null ? Optional.empty() : wal.fetch(sysid, name);
            if (content.isEmpty() && sysid != null && name.matches("[0-9A-F]{24}")) {
                // The newest segment may exist only as the copy 'wal receive' stores while receiving it.
                content = wal.fetchStreamingAsLast(sysid, name);
            }
        }
        if (content.isEmpty()) {
            return ErrorCode.NOT_FOUND.exitCode();
        }
        write(content.get());
        return 0;
    }

    private static String onlySystem(Set<String> ids) {
        if (ids.size() > 1) {
            throw new LifeboatException(ErrorCode.USAGE, "the repository holds WAL of several systems " + ids,
                    "pass --system-id");
        }
        return ids.isEmpty() ? null : ids.iterator().next();
    }

    /** Temporary file, fsync, rename: PostgreSQL never sees a partial segment. */
    private void write(byte[] data) {
        Path abs = dest.toAbsolutePath();
        Path tmp = abs.resolveSibling(abs.getFileName() + ".lifeboat-tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(data));
                ch.force(true);
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.STORAGE_IO, "cannot write WAL file " + abs + ": " + e.getMessage(),
                    "check free space and permissions of the data directory", e);
        }
    }
}
