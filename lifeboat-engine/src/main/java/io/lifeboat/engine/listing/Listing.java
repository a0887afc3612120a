package io.lifeboat.engine.listing;

import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.tree.Node;
import io.lifeboat.core.tree.NodeType;
import io.lifeboat.core.tree.Tree;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Lists the nodes of a snapshot below a path ({@code lifeboat ls}). */
public final class Listing {
    private final Repository repo;

    public Listing(Repository repo) {
        this.repo = repo;
    }

    /** A node with its full path inside the snapshot. */
    public record Entry(String path, Node node) {}

    /**
     * Every node below {@code path} (recursively when asked), or the node itself when it is not
     * a directory.
     */
    public List<Entry> list(String ref, String path, boolean recursive) {
        Snapshot snapshot = repo.findSnapshot(ref, Optional.empty());
        Tree tree = repo.loadTree(snapshot.root());
        String prefix = "";
        List<Entry> out = new ArrayList<>();
        for (String part : split(path)) {
            Node n = tree.find(part).orElseThrow(() -> LifeboatException.notFound(
                    "path " + path + " in snapshot " + snapshot.id().shortHex(),
                    "list the snapshot with 'lifeboat ls " + snapshot.id().shortHex() + "'"));
            prefix = prefix + "/" + part;
            if (n.type() != NodeType.DIRECTORY) {
                out.add(new Entry(prefix, n));
                return out;
            }
            tree = repo.loadTree(n.subtree());
        }
        walk(tree, prefix, recursive, out);
        return out;
    }

    private void walk(Tree tree, String prefix, boolean recursive, List<Entry> out) {
        for (Node n : tree.nodes()) {
            String p = prefix + "/" + n.name();
            out.add(new Entry(p, n));
            if (recursive && n.type() == NodeType.DIRECTORY) {
                walk(repo.loadTree(n.subtree()), p, true, out);
            }
        }
    }

    private static List<String> split(String path) {
        List<String> parts = new ArrayList<>();
        if (path == null) {
            return parts;
        }
        for (String p : path.split("/")) {
            if (!p.isEmpty() && !p.equals(".")) {
                parts.add(p);
            }
        }
        return parts;
    }
}
