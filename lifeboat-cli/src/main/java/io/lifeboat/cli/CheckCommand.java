package io.lifeboat.cli;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.storage.RequestCounts;
import io.lifeboat.engine.check.Check;
import io.lifeboat.engine.check.CheckOptions;
import io.lifeboat.engine.check.CheckResult;
import io.lifeboat.engine.check.Problem;
import io.lifeboat.repository.Repository;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lifeboat check [--read-data[=N%]]}: verifies the repository. */
@Command(name = "check", description = "Check the repository structure; with --read-data, read and authenticate every byte (or N%% of the packs).")
final class CheckCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    GlobalOptions options;

    @Option(names = "--read-data", arity = "0..1", fallbackValue = "100%", paramLabel = "N%",
            description = "Read all stored data, or a random N%% of the packs.")
    String readData;

    CheckCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        CheckOptions opts = readData == null ? CheckOptions.STRUCTURE : new CheckOptions(true, percent(readData));
        ProgressListener progress = ctx.progress(options);
        CheckResult r;
        Optional<RequestCounts> requests;
        try (Repository repo = ctx.open(options)) {
            r = new Check(repo, new SecureRandom()).run(opts, progress);
            requests = repo.storage().requestCounts();
        } finally {
            CliContext.finishProgress(progress);
        }
        if (options.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ok", r.ok());
            m.put("snapshots", r.snapshots());
            m.put("index_files", r.indexFiles());
            m.put("packs", r.packs());
            m.put("blobs", r.blobs());
            m.put("packs_read", r.packsRead());
            m.put("bytes_read", r.bytesRead());
            m.put("wal_files", r.walFiles());
            m.put("problems", r.problems().stream().map(p -> Map.of("object", p.object(), "message", p.message(),
                    "affected_snapshots", p.affectedSnapshots())).toList());
            m.put("notes", r.notes());
            m.put("storage_requests", RequestsJson.of(requests));
            Output.json(ctx.out, m);
        } else {
            ctx.out.printf("checked %d snapshots, %d index files, %d packs, %d blobs, %d WAL files%n", r.snapshots(),
                    r.indexFiles(), r.packs(), r.blobs(), r.walFiles());
            if (opts.readData()) {
                ctx.out.printf("read %d packs (%s)%n", r.packsRead(), Sizes.human(r.bytesRead()));
            }
            r.notes().forEach(n -> ctx.out.println("note: " + n));
            for (Problem p : r.problems()) {
                ctx.out.println("damaged: " + p.object() + ": " + p.message());
                if (!p.affectedSnapshots().isEmpty()) {
                    ctx.out.println("  affects snapshots: " + String.join(", ",
                            p.affectedSnapshots().stream().map(s -> s.substring(0, 8)).toList()));
                }
            }
            ctx.out.println(r.ok() ? "no problems found" : r.problems().size() + " problem(s) found");
        }
        if (!r.ok()) {
            if (!options.json) {
                if (r.problems().stream().anyMatch(p -> p.object().startsWith("wal/"))) {
                    ctx.err.println("hint: copy the missing WAL segments back from another copy of the repository or from the "
                            + "server's pg_wal if it still has them ('lifeboat wal push'); otherwise take a new base backup: "
                            + "recovery from older backups stops at the gap");
                }
                if (r.problems().stream().anyMatch(p -> !p.object().startsWith("wal/"))) {
                    ctx.err.println("hint: restore the damaged packs from a copy of the repository; snapshots not listed are unaffected");
                }
            }
            return ErrorCode.DAMAGED_DATA.exitCode();
        }
        return 0;
    }

    static int percent(String text) {
        String t = text.endsWith("%") ? text.substring(0, text.length() - 1) : text;
        try {
            int n = Integer.parseInt(t.trim());
            if (n >= 1 && n <= 100) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new LifeboatException(ErrorCode.USAGE, "--read-data: cannot read percentage '" + text + "'",
                "write a percentage between 1% and 100%, e.g. --read-data=10%");
    }
}
