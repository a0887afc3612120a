package io.lifeboat.source.files;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * Compiled exclude patterns; the semantics are documented in {@code package-info.java}. Immutable
 * and thread safe.
 */
final class ExcludePatterns {

    /**
     * One pattern. {@code onName} patterns have no slash and are matched against the entry's
     * name; the others are matched against its absolute path.
     */
    private record Rule(String pattern, PathMatcher matcher, boolean onName, boolean directoriesOnly) {
        boolean matches(Path absolute, boolean directory) {
            if (directoriesOnly && !directory) {
                return false;
            }
            return matcher.matches(onName ? absolute.getFileName() : absolute);
        }
    }

    static final ExcludePatterns NONE = new ExcludePatterns(List.of());

    private final List<Rule> rules;

    private ExcludePatterns(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** Compiles {@code patterns}; an invalid one fails with {@link ErrorCode#USAGE} naming it. */
    static ExcludePatterns compile(List<String> patterns) {
        var rules = new ArrayList<Rule>();
        for (String pattern : patterns) {
            rules.add(rule(pattern));
        }
        return new ExcludePatterns(rules);
    }

    /** Whether the entry at {@code absolute} (never the root "/") is excluded. */
    boolean excludes(Path absolute, boolean directory) {
        for (Rule rule : rules) {
            if (rule.matches(absolute, directory)) {
                return true;
            }
        }
        return false;
    }

    private static Rule rule(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            throw invalid(String.valueOf(pattern), "an exclude pattern is empty", null);
        }
        String glob = pattern;
        boolean directoriesOnly = glob.endsWith("/");
        if (directoriesOnly) {
            glob = glob.substring(0, glob.length() - 1);
        }
        if (glob.isEmpty() || glob.endsWith("/") || glob.indexOf('\0') >= 0) {
            throw invalid(pattern, "exclude pattern '" + pattern + "' names no file", null);
        }
        boolean onName = glob.indexOf('/') < 0;
        if (!onName && !glob.startsWith("/") && !glob.startsWith("**/")) {
            // A relative pattern with a slash may start at any directory, like a name pattern.
            glob = "**/" + glob;
        }
        try {
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
            return new Rule(pattern, matcher, onName, directoriesOnly);
        } catch (PatternSyntaxException e) {
            throw invalid(pattern, "exclude pattern '" + pattern + "' is not a valid glob: " + e.getDescription(), e);
        }
    }

    private static LifeboatException invalid(String pattern, String message, Throwable cause) {
        return new LifeboatException(ErrorCode.USAGE, message,
                "use globs such as '*.tmp', 'cache/', '/srv/app/logs' or '**/node_modules'", cause);
    }

    @Override
    public String toString() {
        return rules.stream().map(Rule::pattern).toList().toString();
    }
}
