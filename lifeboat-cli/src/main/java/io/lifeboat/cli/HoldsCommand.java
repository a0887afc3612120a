package io.lifeboat.cli;

import io.lifeboat.engine.retention.Holds;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.hold.Hold;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lifeboat holds}: lists legal holds, oldest first. */
@Command(name = "holds", description = "List legal holds, oldest first, with their state: active, or lapsed (its --until passed).")
final class HoldsCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    GlobalOptions options;

    HoldsCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        List<Holds.Status> holds;
        try (Repository repo = ctx.open(options)) {
            holds = new Holds(repo).list();
        }
        if (options.json) {
            Output.json(ctx.out, holds.stream().map(s -> HoldJson.of(s.hold(), s.active(), s.snapshotPresent())).toList());
            return 0;
        }
        ctx.out.printf("%-9s %-7s %-20s %-20s %-20s %s%n", "SNAPSHOT", "STATE", "SINCE", "UNTIL", "BY", "REASON");
        for (Holds.Status s : holds) {
            Hold h = s.hold();
            ctx.out.printf("%-9s %-7s %-20s %-20s %-20s %s%s%n", h.snapshot().shortHex(), s.active() ? "active" : "lapsed",
                    SnapshotsCommand.time(h.time()), h.until() == null ? "until released" : SnapshotsCommand.time(h.until()),
                    h.username() + "@" + h.host(), h.reason(), s.snapshotPresent() ? "" : " (snapshot missing)");
        }
        ctx.out.println(holds.size() + " hold(s)");
        return 0;
    }
}
