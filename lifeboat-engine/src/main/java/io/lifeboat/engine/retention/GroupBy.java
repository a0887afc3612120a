package io.lifeboat.engine.retention;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.repository.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which snapshot properties separate the groups a policy is applied to. {@code source} is the
 * source kind with its identity (what makes a series); {@code paths} and {@code tags} compare
 * as sorted lists. With nothing selected, every snapshot is in one group.
 */
public record GroupBy(boolean host, boolean source, boolean paths, boolean tags) {
    /** One series per group: the same host, source kind and source identity. */
    public static final GroupBy DEFAULT = new GroupBy(true, true, false, false);

    /** Parses {@code host,source,paths,tags} (any subset, any order); the empty text means one group. */
    public static GroupBy parse(String text) {
        boolean host = false;
        boolean source = false;
        boolean paths = false;
        boolean tags = false;
        for (String raw : text.split(",")) {
            switch (raw.trim().toLowerCase(Locale.ROOT)) {
                case "" -> { }
                case "host" -> host = true;
                case "source" -> source = true;
                case "paths" -> paths = true;
                case "tags" -> tags = true;
                default -> throw new LifeboatException(ErrorCode.USAGE, "--group-by: unknown property '" + raw.trim() + "'",
                        "choose from host, source, paths, tags (comma separated), or '' for one group");
            }
        }
        return new GroupBy(host, source, paths, tags);
    }

    public GroupKey keyOf(Snapshot s) {
        return new GroupKey(host ? s.host() : null, source ? s.sourceKind() : null,
                source ? s.sourceIdentity() : null, paths ? sorted(s.paths()) : null, tags ? sorted(s.tags()) : null);
    }

    private static List<String> sorted(List<String> values) {
        List<String> copy = new ArrayList<>(values);
        copy.sort(null);
        return copy;
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (host) {
            parts.add("host");
        }
        if (source) {
            parts.add("source");
        }
        if (paths) {
            parts.add("paths");
        }
        if (tags) {
            parts.add("tags");
        }
        return String.join(",", parts);
    }

    /**
     * The values a group shares; a property not grouped by is {@code null}, so two keys are equal
     * exactly when their snapshots belong to the same group.
     */
    public record GroupKey(String host, String sourceKind, String sourceIdentity, List<String> paths,
            List<String> tags) implements Comparable<GroupKey> {

        /** For people: {@code host=db1 source=files:/srv/app}, or {@code all snapshots}. */
        public String describe() {
            List<String> parts = new ArrayList<>();
            if (host != null) {
                parts.add("host=" + host);
            }
            if (sourceKind != null) {
                parts.add("source=" + sourceKind + (sourceIdentity == null ? "" : ":" + sourceIdentity));
            }
            if (paths != null) {
                parts.add("paths=" + String.join(",", paths));
            }
            if (tags != null) {
                parts.add("tags=" + String.join(",", tags));
            }
            return parts.isEmpty() ? "all snapshots" : String.join(" ", parts);
        }

        @Override
        public int compareTo(GroupKey o) {
            return describe().compareTo(o.describe());
        }
    }
}
