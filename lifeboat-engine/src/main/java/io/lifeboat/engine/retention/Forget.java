package io.lifeboat.engine.retention;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.SnapshotId;
import io.lifeboat.engine.retention.GroupBy.GroupKey;
import io.lifeboat.engine.retention.RetentionPolicy.Decision;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.hold.Hold;
import io.lifeboat.repository.lock.RepositoryLock;
import io.lifeboat.repository.snapshot.Snapshot;
import io.lifeboat.repository.snapshot.SnapshotRef;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The forget use case: removes the snapshot objects a retention policy does not keep, or the
 * snapshots named explicitly, never a held one. Data stays until {@code prune}.
 *
 * <p>Unless it is a dry run, everything is read and decided under the exclusive lock, so no
 * backup commits and no hold is placed between the decision and the deletion.
 */
public final class Forget {
    private final Repository repo;
    private final ZoneId zone;

    /** {@code zone}: the time zone of the policy's buckets (the user's, usually the system's). */
    public Forget(Repository repo, ZoneId zone) {
        this.repo = repo;
        this.zone = zone;
    }

    public ForgetResult run(ForgetOptions options) {
        if (options.dryRun()) {
            return new Run(options).execute(Optional.empty());
        }
        try (RepositoryLock lock = repo.lock(true, "forget")) {
            return new Run(options).execute(Optional.of(lock));
        }
    }

    /** The state of one forget run. */
    private final class Run {
        private final ForgetOptions options;
        private final Instant now = repo.client().clock().instant();
        private final Map<SnapshotId, Hold> holds;

        Run(ForgetOptions options) {
            this.options = options;
            this.holds = repo.holds().stream().collect(Collectors.toMap(Hold::snapshot, Function.identity()));
        }

        ForgetResult execute(Optional<RepositoryLock> lock) {
            List<ForgetResult.Group> groups = options.snapshots().isEmpty() ? byPolicy() : named();
            List<SnapshotId> lapsed = new ArrayList<>();
            for (ForgetResult.Group g : groups) {
                for (Decision d : g.removed()) {
                    if (holds.containsKey(d.snapshot().id())) {
                        lapsed.add(d.snapshot().id()); // an active hold would have kept it
                    }
                }
            }
            if (lock.isPresent()) {
                lock.get().checkHeld();
                for (ForgetResult.Group g : groups) {
                    g.removed().forEach(d -> repo.removeSnapshot(d.snapshot().id()));
                }
                // After the snapshots: a crash in between leaves a lapsed hold, which protects nothing.
                lapsed.forEach(repo::removeHold);
            }
            return new ForgetResult(options.dryRun(), groups, lapsed,
                    lock.map(RepositoryLock::staleLocks).orElse(List.of()));
        }

        private List<ForgetResult.Group> byPolicy() {
            List<ForgetResult.Group> out = new ArrayList<>();
            grouped(repo.snapshots()).forEach((key, snapshots) -> {
                List<Decision> decisions = options.policy().apply(snapshots, holds, now, zone);
                out.add(new ForgetResult.Group(key, decisions.stream().filter(Decision::keep).toList(),
                        decisions.stream().filter(d -> !d.keep()).toList()));
            });
            return out;
        }

        private List<ForgetResult.Group> named() {
            List<Snapshot> all = repo.snapshots();
            Map<SnapshotId, Snapshot> chosen = new LinkedHashMap<>();
            for (String ref : options.snapshots()) {
                Snapshot s = SnapshotRef.pick(ref, all);
                chosen.putIfAbsent(s.id(), s);
            }
            List<Snapshot> held = chosen.values().stream()
                    .filter(s -> holds.containsKey(s.id()) && holds.get(s.id()).activeAt(now))
                    .toList();
            if (!held.isEmpty()) {
                String refusals = held.stream().map(s -> "snapshot " + s.id().shortHex() + " is under legal hold: "
                        + holds.get(s.id()).describe()).collect(Collectors.joining("; "));
                String ids = held.stream().map(s -> s.id().shortHex()).collect(Collectors.joining(" "));
                throw new LifeboatException(ErrorCode.REFUSED, "refusing to forget: " + refusals,
                        "nothing was forgotten; leave the held snapshots out, or if a hold is no longer needed, "
                                + "remove it first with 'lifeboat release ID' (held: " + ids + ")");
            }
            List<ForgetResult.Group> out = new ArrayList<>();
            grouped(List.copyOf(chosen.values())).forEach((key, snapshots) -> out.add(new ForgetResult.Group(key,
                    List.of(), snapshots.stream().sorted(RetentionPolicy.NEWEST_FIRST)
                            .map(s -> new Decision(s, List.of())).toList())));
            return out;
        }

        /** Snapshots by group, groups in a stable order. */
        private Map<GroupKey, List<Snapshot>> grouped(List<Snapshot> snapshots) {
            Map<GroupKey, List<Snapshot>> byKey = new HashMap<>();
            for (Snapshot s : snapshots) {
                byKey.computeIfAbsent(options.groupBy().keyOf(s), k -> new ArrayList<>()).add(s);
            }
            Map<GroupKey, List<Snapshot>> ordered = new LinkedHashMap<>();
            byKey.keySet().stream().sorted().forEach(k -> ordered.put(k, byKey.get(k)));
            return ordered;
        }
    }
}
