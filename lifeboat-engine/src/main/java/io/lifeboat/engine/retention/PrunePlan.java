package io.lifeboat.engine.retention;

import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.id.PackId;
import io.lifeboat.core.storage.ObjectInfo;
import io.lifeboat.repository.pack.PackEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a prune will do, decided from the stored packs, the index and the set of used blobs
 * alone (no I/O), so the rules can be tested directly.
 *
 * <p>Each used blob is kept in exactly one pack: packs are visited from the largest share of
 * used bytes to the smallest, and the first that holds a blob keeps it. Other copies count as
 * unused. This makes the copies written by an interrupted repack win over the partly used packs
 * they came from, so the next prune deletes those outright instead of repacking them again.
 */
final class PrunePlan {
    /** Indexed packs that stay as they are, with all their entries. */
    final Map<PackId, List<PackEntry>> keep = new LinkedHashMap<>();
    /** Partly used packs to rewrite, with the entries to copy. */
    final Map<PackId, List<PackEntry>> repack = new LinkedHashMap<>();
    /** Indexed packs nothing uses. */
    final List<PackId> delete = new ArrayList<>();
    /** Packs no index lists, old enough to delete. */
    final List<PackId> unindexedDelete = new ArrayList<>();
    int unindexedKept;
    /** Indexed packs that storage lacks and nothing uses; their entries are dropped. */
    final List<PackId> missing = new ArrayList<>();
    /** Used blobs no stored pack holds: the repository is damaged and prune must stop. */
    final Set<BlobId> lost = new HashSet<>();
    long unusedBytesLeft;
    long blobsRemoved;

    private PrunePlan() {}

    static PrunePlan of(Map<PackId, ObjectInfo> stored, Map<PackId, List<PackEntry>> indexed, Set<BlobId> used,
            PruneOptions options, Instant now) {
        PrunePlan plan = new PrunePlan();
        record Usage(PackId pack, long usedBytes, long totalBytes) {}
        List<Usage> order = new ArrayList<>();
        for (Map.Entry<PackId, List<PackEntry>> e : indexed.entrySet()) {
            if (!stored.containsKey(e.getKey())) {
                plan.missing.add(e.getKey());
                continue;
            }
            long usedBytes = 0, total = 0;
            for (PackEntry p : e.getValue()) {
                total += p.length();
                if (used.contains(p.id())) {
                    usedBytes += p.length();
                }
            }
            order.add(new Usage(e.getKey(), usedBytes, total));
        }
        order.sort(Comparator.comparingDouble((Usage u) -> u.totalBytes == 0 ? 0 : -(double) u.usedBytes / u.totalBytes)
                .thenComparing(Usage::pack));

        Set<BlobId> claimed = new HashSet<>();
        Set<BlobId> before = new HashSet<>();
        record Partial(PackId pack, List<PackEntry> claimed, long unused, long size) {}
        List<Partial> partial = new ArrayList<>();
        long usedTotal = 0;
        for (Usage u : order) {
            List<PackEntry> entries = indexed.get(u.pack);
            List<PackEntry> mine = new ArrayList<>();
            long unused = 0;
            for (PackEntry p : entries) {
                before.add(p.id());
                if (used.contains(p.id()) && claimed.add(p.id())) {
                    mine.add(p);
                    usedTotal += p.length();
                } else {
                    unused += p.length();
                }
            }
            if (mine.isEmpty()) {
                plan.delete.add(u.pack);
            } else if (unused == 0) {
                plan.keep.put(u.pack, entries);
            } else {
                partial.add(new Partial(u.pack, mine, unused, stored.get(u.pack).size()));
            }
        }
        for (Map.Entry<PackId, List<PackEntry>> e : indexed.entrySet()) {
            if (!stored.containsKey(e.getKey())) {
                e.getValue().forEach(p -> before.add(p.id()));
            }
        }
        for (BlobId b : used) {
            if (!claimed.contains(b)) {
                plan.lost.add(b);
            }
        }

        // Repack the packs with the largest unused share first, until the unused bytes left fit.
        partial.sort(Comparator.comparingDouble((Partial p) -> -(double) p.unused / p.size).thenComparing(Partial::pack));
        long unusedLeft = partial.stream().mapToLong(Partial::unused).sum();
        double allowed = usedTotal * options.maxUnusedPercent() / 100.0;
        long repackBytes = 0;
        for (Partial p : partial) {
            boolean fits = repackBytes + p.size <= options.maxRepackBytes();
            if (unusedLeft > allowed && fits) {
                plan.repack.put(p.pack, p.claimed);
                unusedLeft -= p.unused;
                repackBytes += p.size;
            } else {
                plan.keep.put(p.pack, indexed.get(p.pack));
            }
        }
        plan.unusedBytesLeft = unusedLeft;

        Set<BlobId> after = new HashSet<>(claimed);
        plan.keep.values().forEach(l -> l.forEach(p -> after.add(p.id())));
        plan.blobsRemoved = before.size() - after.size();

        Duration grace = options.unindexedGrace();
        for (ObjectInfo o : stored.values()) {
            PackId id = PackId.parse(o.handle().name());
            if (indexed.containsKey(id)) {
                continue;
            }
            if (o.modified() == null || !o.modified().plus(grace).isAfter(now)) {
                plan.unindexedDelete.add(id);
            } else {
                plan.unindexedKept++;
            }
        }
        plan.unindexedDelete.sort(Comparator.naturalOrder());
        return plan;
    }

    /** Whether the index must be rewritten (some indexed pack goes away). */
    boolean changesIndex() {
        return !delete.isEmpty() || !repack.isEmpty() || !missing.isEmpty();
    }

    static Map<PackId, ObjectInfo> byPack(List<ObjectInfo> packs) {
        Map<PackId, ObjectInfo> out = new HashMap<>();
        for (ObjectInfo o : packs) {
            try {
                out.put(PackId.parse(o.handle().name()), o);
            } catch (IllegalArgumentException e) {
                // not a name Lifeboat writes: never ours to delete
            }
        }
        return out;
    }
}
