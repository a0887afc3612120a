package io.lifeboat.core.tree;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The entries of one directory, sorted by name ({@link String#compareTo}, i.e. UTF-16 code unit order;
 * part of the format, never change it), without duplicates.
 * A tree is stored as a blob, so identical directories deduplicate across snapshots.
 */
public record Tree(List<Node> nodes) {
    public static final Comparator<Node> ORDER = Comparator.comparing(Node::name);

    public Tree {
        List<Node> sorted = new ArrayList<>(nodes);
        sorted.sort(ORDER);
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).name().equals(sorted.get(i - 1).name())) {
                throw new IllegalArgumentException("duplicate name in tree: " + sorted.get(i).name());
            }
        }
        nodes = List.copyOf(sorted);
    }

    public Optional<Node> find(String name) {
        int lo = 0;
        int hi = nodes.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = nodes.get(mid).name().compareTo(name);
            if (c == 0) {
                return Optional.of(nodes.get(mid));
            } else if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return Optional.empty();
    }

    // equals and hashCode written out, as Node's: a record's own are linked at run time on first use.
    @Override
    public boolean equals(Object o) {
        return o instanceof Tree t && nodes.equals(t.nodes);
    }

    @Override
    public int hashCode() {
        return nodes.hashCode();
    }
}
