package io.lifeboat.cli;

import io.lifeboat.repository.Repository;
import io.lifeboat.repository.wal.WalArchive;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lifeboat wal status}: per system, the last archived segment, when it arrived, and totals. */
@Command(name = "status", description = "Show the WAL archive: per system, the last archived segment and when it was stored, file counts and stored size.")
final class WalStatusCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    GlobalOptions options;

    WalStatusCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        List<WalArchive.WalFile> files;
        try (Repository repo = ctx.open(options)) {
            files = new WalArchive(repo.storage(), repo.codec()).list();
        }
        Map<String, Map<String, Object>> systems = new LinkedHashMap<>();
        for (WalArchive.WalFile f : files) {
            Map<String, Object> s = systems.computeIfAbsent(f.systemId(), k -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("system_identifier", k);
                m.put("segments", 0L);
                m.put("other_files", 0L);
                m.put("stored_bytes", 0L);
                m.put("last_segment", null);
                m.put("last_segment_time", null);
                m.put("timelines", new ArrayList<String>());
                return m;
            });
            s.merge(f.isSegment() ? "segments" : "other_files", 1L, (a, b) -> (Long) a + (Long) b);
            s.merge("stored_bytes", f.storedSize(), (a, b) -> (Long) a + (Long) b);
            @SuppressWarnings("unchecked")
            List<String> tls = (List<String>) s.get("timelines");
            if (!tls.contains(f.timeline())) {
                tls.add(f.timeline());
            }
            // Segment names order by timeline, then position: the greatest is the newest.
            if (f.isSegment() && (s.get("last_segment") == null || f.name().compareTo((String) s.get("last_segment")) > 0)) {
                s.put("last_segment", f.name());
                s.put("last_segment_time", f.modified().toString());
            }
        }
        if (options.json) {
            Output.json(ctx.out, Map.of("systems", new ArrayList<>(systems.values())));
            return 0;
        }
        if (systems.isEmpty()) {
            ctx.out.println("no WAL archived");
        }
        for (Map<String, Object> s : systems.values()) {
            ctx.out.printf("system %s: %d segments, %d other files, %s stored, timelines %s%n", s.get("system_identifier"),
                    s.get("segments"), s.get("other_files"), Sizes.human((Long) s.get("stored_bytes")), s.get("timelines"));
            ctx.out.printf("  last segment %s archived %s%n", s.get("last_segment"), s.get("last_segment_time"));
        }
        return 0;
    }
}
