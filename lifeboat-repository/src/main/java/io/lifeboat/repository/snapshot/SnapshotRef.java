package io.lifeboat.repository.snapshot;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.SnapshotId;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * How a user names a snapshot on the command line: a full id, a unique prefix of one, or
 * {@code latest}. Resolved against a list read once, so naming several costs one listing.
 */
public final class SnapshotRef {
    private SnapshotRef() {}

    /**
     * The snapshot {@code ref} names among {@code oldestFirst}.
     *
     * @throws LifeboatException {@code NOT_FOUND} when none matches, {@code USAGE} when a prefix
     *     matches several
     */
    public static Snapshot pick(String ref, List<Snapshot> oldestFirst) {
        if (ref.equals("latest")) {
            if (oldestFirst.isEmpty()) {
                throw LifeboatException.notFound("snapshot 'latest'",
                        "the repository has no snapshots yet; run 'lifeboat backup'");
            }
            return oldestFirst.get(oldestFirst.size() - 1);
        }
        return byPrefix(ref, oldestFirst, Snapshot::id, "snapshot " + ref,
                "list the snapshots with 'lifeboat snapshots'", "snapshots");
    }

    /**
     * The one candidate whose id starts with {@code ref}.
     *
     * @param notFound what the not-found error names, e.g. "hold on snapshot 3fa2"
     * @param listHint how to list the candidates
     * @param plural what the candidates are called in the ambiguity error, e.g. "held snapshots"
     */
    public static <T> T byPrefix(String ref, List<T> candidates, Function<T, SnapshotId> id, String notFound,
            String listHint, String plural) {
        String prefix = ref.toLowerCase(Locale.ROOT);
        List<T> matches = candidates.stream().filter(c -> id.apply(c).hex().startsWith(prefix)).toList();
        if (matches.isEmpty()) {
            throw LifeboatException.notFound(notFound, listHint);
        }
        if (matches.size() > 1) {
            throw new LifeboatException(ErrorCode.USAGE, "snapshot prefix " + ref + " matches " + matches.size() + " "
                    + plural, "give more characters of the snapshot id");
        }
        return matches.get(0);
    }
}
