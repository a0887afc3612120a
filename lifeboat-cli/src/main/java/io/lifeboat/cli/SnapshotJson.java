package io.lifeboat.cli;

import io.lifeboat.engine.backup.BackupResult;
import io.lifeboat.repository.snapshot.Snapshot;
import io.lifeboat.repository.snapshot.SnapshotStats;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON form of a snapshot: a stable contract documented in docs/json.md. Fields are only
 * ever added, never renamed or removed.
 */
final class SnapshotJson {
    private SnapshotJson() {}

    static Map<String, Object> of(Snapshot s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id().hex());
        m.put("short_id", s.id().shortHex());
        m.put("time", s.time().toString());
        m.put("host", s.host());
        m.put("username", s.username());
        m.put("source", s.sourceKind());
        m.put("paths", s.paths());
        m.put("tags", s.tags());
        m.put("parent", s.parent() == null ? null : s.parent().hex());
        m.put("root", s.root().hex());
        m.put("recovery_point", s.recoveryPoint());
        m.put("program_version", s.programVersion());
        m.put("stats", stats(s.stats()));
        m.put("metadata", s.metadata());
        return m;
    }

    /** The fields every {@code backup … --json} prints: docs/json.md, "backup files --json". */
    static Map<String, Object> backup(BackupResult result) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("snapshot", of(result.snapshot()));
        m.put("partial", result.partial());
        m.put("warnings", result.warnings());
        m.put("stale_locks", result.staleLocks());
        return m;
    }

    /**
     * Warns of stale locks, and with {@code --json} prints {@link #backup} and returns true: the
     * start of every backup command's report.
     */
    static boolean printedAsJson(CliContext ctx, GlobalOptions options, BackupResult result) {
        result.staleLocks().forEach(l -> ctx.err.println("warning: " + l + " (remove with 'lifeboat unlock')"));
        if (options.json) {
            Output.json(ctx.out, backup(result));
        }
        return options.json;
    }

    static Map<String, Object> stats(SnapshotStats st) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("files", st.files());
        m.put("directories", st.directories());
        m.put("unchanged_files", st.unchangedFiles());
        m.put("bytes_read", st.bytesRead());
        m.put("blobs_added", st.blobsAdded());
        m.put("bytes_added", st.bytesAdded());
        m.put("stored_bytes_added", st.storedBytesAdded());
        m.put("duration_ms", st.durationMillis());
        return m;
    }
}
