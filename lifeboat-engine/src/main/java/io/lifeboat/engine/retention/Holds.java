package io.lifeboat.engine.retention;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.Hex;
import io.lifeboat.core.id.Id256;
import io.lifeboat.core.id.SnapshotId;
import io.lifeboat.core.storage.ObjectInfo;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.repository.ClientContext;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.hold.Hold;
import io.lifeboat.repository.lock.RepositoryLock;
import io.lifeboat.repository.snapshot.Snapshot;
import io.lifeboat.repository.snapshot.SnapshotRef;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The legal hold use cases: place, release, list. Placing and releasing take a shared lock, so
 * they wait for a running {@code forget} (exclusive) instead of racing its decision.
 */
public final class Holds {
    private final Repository repo;

    public Holds(Repository repo) {
        this.repo = repo;
    }

    /** A hold as listed: whether it still protects its snapshot, and whether that snapshot exists. */
    public record Status(Hold hold, boolean active, boolean snapshotPresent) {}

    /**
     * Holds the snapshot {@code ref} (id, unique prefix or {@code latest}), replacing an earlier
     * hold on it.
     *
     * @param until when the hold lapses, or {@code null} to hold until released; must be ahead
     */
    public Hold place(String ref, String reason, Instant until) {
        ClientContext client = repo.client();
        try (RepositoryLock lock = repo.lock(false, "hold")) {
            Snapshot s = repo.findSnapshot(ref, Optional.empty());
            Instant now = client.clock().instant();
            if (until != null && !now.isBefore(until)) {
                throw new LifeboatException(ErrorCode.USAGE, "hold on snapshot " + s.id().shortHex() + ": the end "
                        + until + " is not in the future (now " + now + ")",
                        "give a later --until, or none for a hold that lasts until it is released");
            }
            Hold hold = new Hold(s.id(), reason, until, now, client.host(), client.username());
            lock.checkHeld();
            repo.putHold(hold);
            return hold;
        }
    }

    /**
     * Removes the hold on {@code ref}: an id or unique prefix of a held snapshot (found among the
     * holds, so even a hold whose snapshot is gone or whose object is damaged can be released),
     * or {@code latest}. Returns the snapshot id.
     */
    public SnapshotId release(String ref) {
        try (RepositoryLock lock = repo.lock(false, "release")) {
            SnapshotId id = resolveHeld(ref);
            lock.checkHeld();
            if (!repo.removeHold(id)) {
                throw LifeboatException.notFound("hold on snapshot " + id.shortHex(), "list the holds with 'lifeboat holds'");
            }
            return id;
        }
    }

    /** Every hold, oldest first, judged at the clock's now. */
    public List<Status> list() {
        Instant now = repo.client().clock().instant();
        Set<String> present = repo.storage().list(ObjectKind.SNAPSHOT).stream().map(o -> o.handle().name())
                .collect(Collectors.toSet());
        return repo.holds().stream()
                .map(h -> new Status(h, h.activeAt(now), present.contains(h.snapshot().hex())))
                .toList();
    }

    private SnapshotId resolveHeld(String ref) {
        if (ref.equals("latest")) {
            return repo.findSnapshot(ref, Optional.empty()).id();
        }
        List<SnapshotId> held = repo.storage().list(ObjectKind.HOLD).stream()
                .map(ObjectInfo::handle)
                .filter(h -> Hex.isHex(h.name(), Id256.LENGTH))
                .map(h -> SnapshotId.parse(h.name()))
                .toList();
        return SnapshotRef.byPrefix(ref, held, Function.identity(), "hold on snapshot " + ref,
                "list the holds with 'lifeboat holds'", "held snapshots");
    }
}
