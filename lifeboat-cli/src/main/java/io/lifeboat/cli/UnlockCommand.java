package io.lifeboat.cli;

import io.lifeboat.repository.Repository;
import io.lifeboat.repository.lock.RepositoryLock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lifeboat unlock [--force]}: removes stale locks, or every lock. */
@Command(name = "unlock", description = {
        "Remove the locks that are provably stale: their process is gone from this host, or they were not "
                + "refreshed for longer than the stale age (30 minutes). Live locks are listed and kept.",
        "With --force, remove every lock, live or unreadable. Only do that when no Lifeboat process on any host "
                + "uses the repository: an operation whose lock is removed is no longer protected from prune."})
final class UnlockCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    GlobalOptions options;

    @Option(names = "--force", description = "Also remove live and unreadable locks.")
    boolean force;

    UnlockCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        RepositoryLock.Removal r;
        try (Repository repo = ctx.open(options)) {
            r = repo.unlock(force);
        }
        if (options.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("removed", r.removed());
            m.put("kept", r.kept());
            Output.json(ctx.out, m);
            return 0;
        }
        r.removed().forEach(l -> ctx.out.println("removed " + l));
        r.kept().forEach(l -> ctx.out.println("kept    " + l));
        ctx.out.printf("%d lock(s) removed, %d kept%n", r.removed().size(), r.kept().size());
        if (!r.kept().isEmpty() && !force) {
            ctx.err.println("hint: kept locks belong to live operations; if you are sure none runs, 'lifeboat unlock --force'");
        }
        return 0;
    }
}
