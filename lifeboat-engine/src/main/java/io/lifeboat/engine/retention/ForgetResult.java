package io.lifeboat.engine.retention;

import io.lifeboat.core.id.SnapshotId;
import io.lifeboat.engine.retention.GroupBy.GroupKey;
import io.lifeboat.engine.retention.RetentionPolicy.Decision;
import java.util.List;

/**
 * What {@link Forget} decided and did.
 *
 * @param dryRun whether nothing was deleted (the removed lists say what would have been)
 * @param groups every group that had a snapshot, in a stable order
 * @param lapsedHoldsRemoved lapsed holds of removed snapshots, deleted with them
 * @param staleLocks stale locks seen while taking the lock, for the user to hear of
 */
public record ForgetResult(boolean dryRun, List<Group> groups, List<SnapshotId> lapsedHoldsRemoved,
        List<String> staleLocks) {
    public ForgetResult {
        groups = List.copyOf(groups);
        lapsedHoldsRemoved = List.copyOf(lapsedHoldsRemoved);
        staleLocks = List.copyOf(staleLocks);
    }

    /**
     * One group: the snapshots kept, each with its reasons, and those removed, both newest first.
     * When snapshots were named explicitly, only they are listed, as removed.
     */
    public record Group(GroupKey key, List<Decision> kept, List<Decision> removed) {
        public Group {
            kept = List.copyOf(kept);
            removed = List.copyOf(removed);
        }
    }

    public int keptCount() {
        return groups.stream().mapToInt(g -> g.kept().size()).sum();
    }

    public int removedCount() {
        return groups.stream().mapToInt(g -> g.removed().size()).sum();
    }
}
