package io.lifeboat.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.repository.Repository;
import java.time.Duration;
import java.time.Instant;
import io.lifeboat.repository.wal.WalArchive;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code lifeboat wal status}: per system, the last archived segment, when it arrived, and totals;
 * and what the WAL receiver last recorded (positions, lag), when one streams into the repository.
 */
@Command(name = "status", description = "Show the WAL archive: per system, the last archived segment and when it was stored, file counts and stored size.")
final class WalStatusCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    GlobalOptions options;

    WalStatusCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    private static JsonNode readJson(byte[] b) {
        try {
            return Output.JSON.readTree(b);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the WAL receiver's status in the repository is not JSON", e);
        }
    }

    @Override
    public Integer call() {
        List<WalArchive.WalFile> files;
        Map<String, JsonNode> receivers = new LinkedHashMap<>();
        try (Repository repo = ctx.open(options)) {
            WalArchive wal = new WalArchive(repo.storage(), repo.codec());
            files = wal.list();
            for (String id : wal.systemIds()) {
                wal.receiverStatus(id).ifPresent(b -> receivers.put(id, readJson(b)));
            }
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
                m.put("receiver", null);
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
        Instant now = Instant.now();
        receivers.forEach((id, r) -> {
            if (systems.containsKey(id)) {
                ObjectNode o = r.deepCopy();
                Instant updated = Instant.parse(r.path("updated").asText());
                o.put("age_seconds", Math.max(0, Duration.between(updated, now).toSeconds()));
                systems.get(id).put("receiver", o);
            }
        });
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
            if (s.get("receiver") instanceof JsonNode r) {
                long lag = r.path("lag_bytes").asLong(-1);
                ctx.out.printf("  receiver (slot %s, %s): %s, received %s, stored %s, flushed %s, server at %s, lag %s, "
                        + "updated %s (%d s ago)%n", r.path("slot").asText(), r.path("server").asText(),
                        r.path("state").asText(), r.path("received_lsn").asText(), r.path("stored_lsn").asText(),
                        r.path("flushed_lsn").asText(), r.path("server_flush_lsn").asText("?"),
                        lag < 0 ? "unknown" : Sizes.human(lag), r.path("updated").asText(), r.path("age_seconds").asLong());
            }
        }
        return 0;
    }
}
