package io.lifeboat.engine.retention;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.progress.Progress;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.tree.Node;
import io.lifeboat.core.tree.NodeType;
import io.lifeboat.core.tree.Tree;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.snapshot.Snapshot;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Every blob the given snapshots need: their trees and the content those trees list. A tree
 * shared by several snapshots (an unchanged directory) is read once. Any tree that cannot be
 * read fails the walk, naming the snapshot: deciding what is unused from a partial walk would
 * delete data a snapshot still needs.
 */
public final class ReferencedBlobs {
    private ReferencedBlobs() {}

    public static Set<BlobId> of(Repository repo, List<Snapshot> snapshots, ProgressListener progress) {
        Set<BlobId> seen = new HashSet<>();
        int done = 0;
        for (Snapshot s : snapshots) {
            progress.onProgress(new Progress("find used data", done++, snapshots.size(), 0, -1, s.id().shortHex()));
            Deque<BlobId> trees = new ArrayDeque<>();
            if (seen.add(s.root())) {
                trees.push(s.root());
            }
            while (!trees.isEmpty()) {
                BlobId treeId = trees.pop();
                Tree tree;
                try {
                    tree = repo.loadTree(treeId);
                } catch (LifeboatException e) {
                    throw new LifeboatException(ErrorCode.DAMAGED_DATA,
                            "snapshot " + s.id().hex() + ": tree " + treeId.hex() + " cannot be read: " + e.getMessage(),
                            "run 'lifeboat check --read-data'; forget the damaged snapshot before pruning, "
                                    + "so that nothing it still refers to is deleted", e);
                }
                for (Node n : tree.nodes()) {
                    seen.addAll(n.content());
                    if (n.type() == NodeType.DIRECTORY && seen.add(n.subtree())) {
                        trees.push(n.subtree());
                    }
                }
            }
        }
        return seen;
    }
}
