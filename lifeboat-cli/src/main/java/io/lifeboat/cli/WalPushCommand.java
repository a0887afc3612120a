package io.lifeboat.cli;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.io.FileChannels;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.wal.WalArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lifeboat wal push PATH}: PostgreSQL's {@code archive_command}. Exits 0 only once the
 * file is durable in the repository; an identical file pushed again succeeds, a different one
 * under the same name fails (exit 15), a file of another system fails (exit 18).
 */
@Command(name = "push", description = {
        "Archive one WAL file (archive_command = 'lifeboat wal push --repo R --password-file F %%p').",
        "Exit 0 only once the file is durable in the repository. Pushing an identical file again succeeds; different content under the same name is refused."})
final class WalPushCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    GlobalOptions options;

    @Parameters(paramLabel = "PATH", description = "The WAL file (%%p: relative to the data directory).")
    Path path;

    @Option(names = "--system-id", paramLabel = "ID", description = "The PostgreSQL system identifier. Default: from the segment's header, else from global/pg_control of the data directory.")
    String systemId;

    WalPushCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        String name = path.getFileName().toString();
        WalFiles.requireWalFileName(name, "archive_command passes %p, the path of a file in pg_wal");
        byte[] content;
        try {
            content = FileChannels.readAll(path);
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.NOT_FOUND, "cannot read WAL file " + path.toAbsolutePath() + ": " + e,
                    "archive_command runs in the data directory: pass %p unchanged");
        }
        String sysid = systemId != null ? systemId
                : WalFiles.systemIdOfHeader(name, content)
                        .or(() -> WalFiles.systemIdOfDataDir(WalFiles.dataDirOf(path)))
                        .orElseThrow(() -> new LifeboatException(ErrorCode.USAGE, "cannot tell the system identifier of "
                                + path, "pass --system-id (SELECT system_identifier FROM pg_control_system())"));
        WalArchive.PushResult result;
        try (Repository repo = ctx.open(options)) {
            result = new WalArchive(repo.storage(), repo.codec()).push(sysid, name, content);
        }
        if (options.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", name);
            m.put("system_identifier", sysid);
            m.put("size", content.length);
            m.put("result", result == WalArchive.PushResult.STORED ? "stored" : "already_present");
            Output.json(ctx.out, m);
        } else if (!options.quiet) {
            ctx.out.println((result == WalArchive.PushResult.STORED ? "archived " : "already archived (identical) ") + name);
        }
        return 0;
    }
}
