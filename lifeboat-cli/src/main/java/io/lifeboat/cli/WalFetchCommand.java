package io.lifeboat.cli;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.wal.WalArchive;
import io.lifeboat.source.postgres.physical.Lsn;
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
 *
 * <p>Prefetch: after fetching a segment it fetches the next {@code --prefetch} segments into the
 * data directory's {@link WalSpool}, and a segment found there is served without opening the
 * repository at all. Each call is a JVM start plus a key derivation (seconds), so this divides
 * that cost by the window. A prefetch that fails only warns: the requested segment is in place.
 */
@Command(name = "fetch", description = {
        "Fetch one WAL file (restore_command = 'lifeboat wal fetch --repo R --password-file F %%f %%p').",
        "A file that is not archived exits 13 silently, so that recovery ends normally at the end of the archive."})
final class WalFetchCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    GlobalOptions options;

    @Parameters(index = "0", paramLabel = "NAME", description = "The WAL file name (%%f).")
    String name;

    @Parameters(index = "1", paramLabel = "DEST", description = "Where to write it (%%p).")
    Path dest;

    @Option(names = "--system-id", paramLabel = "ID", description = "The PostgreSQL system identifier. Default: from global/pg_control of the data directory, else the repository's only system.")
    String systemId;

    @Option(names = "--prefetch", paramLabel = "N", defaultValue = "8", description = "Also fetch the next N segments into pg_wal/" + WalSpool.DIRECTORY + " of the data directory and serve them from there (0: off; default: ${DEFAULT-VALUE}).")
    int prefetch;

    WalFetchCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        WalSpool spool = prefetch > 0 && WalSpool.segmentName(name).isPresent() ? new WalSpool(WalFiles.dataDirOf(dest)) : null;
        if (spool != null && spool.take(name, dest.toAbsolutePath())) {
            try {
                spool.dropOlderThan(name);
            } catch (IOException e) {
                ctx.err.println("warning: cannot clean up " + spool.directory() + ": " + e.getMessage());
            }
            return 0;
        }
        try (Repository repo = ctx.open(options)) {
            WalArchive wal = new WalArchive(repo.storage(), repo.codec());
            String sysid = systemId != null ? systemId : WalFiles.systemIdOfDataDir(WalFiles.dataDirOf(dest))
                    .orElseGet(() -> onlySystem(wal.systemIds()));
            Optional<byte[]> content = sysid == null ? Optional.empty() : wal.fetch(sysid, name);
            boolean streamingCopy = false;
            if (content.isEmpty() && sysid != null && name.matches("[0-9A-F]{24}")) {
                // The newest segment may exist only as the copy 'wal receive' stores while receiving it.
                content = wal.fetchStreamingAsLast(sysid, name);
                streamingCopy = content.isPresent();
            }
            if (content.isEmpty()) {
                return ErrorCode.NOT_FOUND.exitCode();
            }
            write(content.get());
            if (spool != null && !streamingCopy) { // a streaming copy is the newest WAL: nothing after it to prefetch
                prefetchAfter(wal, sysid, content.get().length, spool);
            }
        }
        return 0;
    }

    /** Fetches up to {@code --prefetch} segments after {@code name} into the spool, stopping at the first one not archived. */
    private void prefetchAfter(WalArchive wal, String sysid, int segmentSize, WalSpool spool) {
        long size = Integer.bitCount(segmentSize) == 1 && segmentSize >= (1 << 20) ? segmentSize : 16L << 20;
        String next = name;
        try {
            spool.dropOlderThan(name);
            for (int i = 0; i < prefetch; i++) {
                next = Lsn.nextSegment(next, size);
                if (spool.contains(next)) {
                    continue;
                }
                Optional<byte[]> ahead = wal.fetch(sysid, next);
                if (ahead.isEmpty()) {
                    break;
                }
                spool.put(next, ahead.get());
            }
        } catch (IOException | LifeboatException e) {
            ctx.err.println("warning: prefetching WAL segment " + next + " into " + spool.directory() + " failed: "
                    + e.getMessage() + " (recovery goes on; it fetches that segment when it needs it)");
        }
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
