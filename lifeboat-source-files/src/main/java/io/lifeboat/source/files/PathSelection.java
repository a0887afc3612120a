package io.lifeboat.source.files;

import java.nio.file.Path;
import java.util.Collection;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The named paths of a files source as a tree of names from "/": each inner entry is a directory
 * on the way to a named path, each leaf is a named path that is backed up whole. A named path
 * below another named path is absorbed by it.
 */
final class PathSelection {
    private final SortedMap<String, PathSelection> children = new TreeMap<>();
    private boolean whole;

    private PathSelection() {}

    static PathSelection of(Collection<Path> absolutePaths) {
        var root = new PathSelection();
        for (Path path : absolutePaths) {
            root.add(path);
        }
        return root;
    }

    /** Whether this entry is a named path, backed up with everything below it. */
    boolean whole() {
        return whole;
    }

    /** The entries below this one that lead to named paths, sorted by name; empty if {@link #whole()}. */
    SortedMap<String, PathSelection> children() {
        return children;
    }

    private void add(Path absolute) {
        PathSelection at = this;
        for (Path name : absolute) {
            if (at.whole) {
                return;
            }
            at = at.children.computeIfAbsent(name.toString(), n -> new PathSelection());
        }
        at.whole = true;
        at.children.clear();
    }

    @Override
    public String toString() {
        return whole ? "*" : children.toString();
    }
}
