package io.lifeboat.cli;

import io.lifeboat.core.tree.Node;
import io.lifeboat.core.tree.NodeType;
import io.lifeboat.engine.listing.Listing;
import io.lifeboat.repository.Repository;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lifeboat ls SNAPSHOT [PATH]}: lists what a snapshot holds. */
@Command(name = "ls", description = "List the files in a snapshot (below PATH).")
final class LsCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    GlobalOptions options;

    @Parameters(index = "0", paramLabel = "SNAPSHOT", description = "Snapshot id, unique prefix, or 'latest'.")
    String snapshot;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PATH", description = "Path inside the snapshot (default: /).")
    String path = "/";

    @Option(names = {"-R", "--recursive"}, description = "List subdirectories too.")
    boolean recursive;

    LsCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        List<Listing.Entry> entries;
        try (Repository repo = ctx.open(options)) {
            entries = new Listing(repo).list(snapshot, path, recursive);
        }
        if (options.json) {
            Output.json(ctx.out, entries.stream().map(LsCommand::json).toList());
            return 0;
        }
        for (Listing.Entry e : entries) {
            Node n = e.node();
            String name = e.path() + (n.type() == NodeType.DIRECTORY ? "/" : "")
                    + (n.type() == NodeType.SYMLINK ? " -> " + n.linkTarget() : "");
            ctx.out.printf("%s %10d %s %s%n", mode(n), n.size(),
                    n.mtime() == null ? "-" : n.mtime().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), name);
        }
        return 0;
    }

    static Map<String, Object> json(Listing.Entry e) {
        Node n = e.node();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", e.path());
        m.put("name", n.name());
        m.put("type", n.type().name().toLowerCase(Locale.ROOT));
        m.put("size", n.size());
        m.put("mode", String.format("%04o", n.mode()));
        m.put("uid", n.uid());
        m.put("gid", n.gid());
        m.put("mtime", n.mtime() == null ? null : n.mtime().toString());
        if (n.linkTarget() != null) {
            m.put("link_target", n.linkTarget());
        }
        return m;
    }

    private static String mode(Node n) {
        char t = switch (n.type()) {
            case DIRECTORY -> 'd';
            case SYMLINK -> 'l';
            case FILE, STREAM -> '-';
        };
        StringBuilder s = new StringBuilder().append(t);
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            s.append((n.mode() & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
        }
        return s.toString();
    }
}
