package io.lifeboat.cli;

import io.lifeboat.core.id.SnapshotId;
import io.lifeboat.engine.retention.Holds;
import io.lifeboat.repository.Repository;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code lifeboat release SNAPSHOT}: removes a legal hold. */
@Command(name = "release", description = "Release the legal hold on a snapshot; forget may then remove it.")
final class ReleaseCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    GlobalOptions options;

    @Parameters(paramLabel = "SNAPSHOT", description = "Id or unique prefix of a held snapshot (see 'lifeboat holds'), or 'latest'.")
    String snapshot;

    ReleaseCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        SnapshotId id;
        try (Repository repo = ctx.open(options)) {
            id = new Holds(repo).release(snapshot);
        }
        if (options.json) {
            Output.json(ctx.out, Map.of("released", id.hex()));
        } else {
            ctx.out.println("released the hold on snapshot " + id.shortHex());
        }
        return 0;
    }
}
