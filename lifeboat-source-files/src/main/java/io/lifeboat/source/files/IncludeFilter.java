package io.lifeboat.source.files;

import java.util.List;

/**
 * Decides which snapshot paths a restore writes: a path is restored if it equals an include path,
 * lies below one, or is a directory above one (so the include has somewhere to go).
 */
final class IncludeFilter {

    enum Match {
        /** Not restored. */
        NONE,
        /** A directory above an include path: created with its metadata, only the way down is restored. */
        ANCESTOR,
        /** An include path or below one: restored with everything under it. */
        WHOLE
    }

    private final List<String> includes;

    /** {@code includes} are validated snapshot paths; empty means everything. */
    IncludeFilter(List<String> includes) {
        this.includes = includes.contains("/") ? List.of() : List.copyOf(includes);
    }

    /** The match of the snapshot root. */
    Match root() {
        return includes.isEmpty() ? Match.WHOLE : Match.ANCESTOR;
    }

    /** The match of {@code path} (e.g. {@code /a/b}) whose parent directory matched {@code parent}. */
    Match match(String path, Match parent) {
        if (parent != Match.ANCESTOR) {
            return parent;
        }
        Match match = Match.NONE;
        for (String include : includes) {
            if (include.equals(path)) {
                return Match.WHOLE;
            }
            if (include.startsWith(path) && include.charAt(path.length()) == '/') {
                match = Match.ANCESTOR;
            }
        }
        return match;
    }

    List<String> includes() {
        return includes;
    }
}
