package io.lifeboat.engine.retention;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.SnapshotId;
import io.lifeboat.repository.hold.Hold;
import io.lifeboat.repository.snapshot.Snapshot;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which snapshots of a group to keep; the rules are in the package documentation. Pure: no I/O,
 * no clock of its own, so the same input always gives the same decisions.
 *
 * @param last keep the N newest ({@code 0}: rule unused); likewise for the bucket counts
 * @param within keep those this close to the newest snapshot, or {@code null}
 * @param tags keep every snapshot carrying one of these tags
 */
public record RetentionPolicy(int last, int hourly, int daily, int weekly, int monthly, int yearly, KeepWithin within,
        List<String> tags) {

    /** Newest first; of two snapshots with the same time, the one with the larger id first. */
    public static final Comparator<Snapshot> NEWEST_FIRST =
            Comparator.comparing(Snapshot::time).thenComparing(Snapshot::id).reversed();

    public static final RetentionPolicy NONE = new RetentionPolicy(0, 0, 0, 0, 0, 0, null, List.of());

    public RetentionPolicy {
        for (int n : new int[] {last, hourly, daily, weekly, monthly, yearly}) {
            if (n < 0) {
                throw new LifeboatException(ErrorCode.USAGE, "a --keep-… count is negative: " + n,
                        "give a count of 1 or more, or leave the option out");
            }
        }
        tags = List.copyOf(new LinkedHashSet<>(tags));
    }

    public RetentionPolicy withLast(int n) {
        return new RetentionPolicy(n, hourly, daily, weekly, monthly, yearly, within, tags);
    }

    public RetentionPolicy withHourly(int n) {
        return new RetentionPolicy(last, n, daily, weekly, monthly, yearly, within, tags);
    }

    public RetentionPolicy withDaily(int n) {
        return new RetentionPolicy(last, hourly, n, weekly, monthly, yearly, within, tags);
    }

    public RetentionPolicy withWeekly(int n) {
        return new RetentionPolicy(last, hourly, daily, n, monthly, yearly, within, tags);
    }

    public RetentionPolicy withMonthly(int n) {
        return new RetentionPolicy(last, hourly, daily, weekly, n, yearly, within, tags);
    }

    public RetentionPolicy withYearly(int n) {
        return new RetentionPolicy(last, hourly, daily, weekly, monthly, n, within, tags);
    }

    public RetentionPolicy withWithin(KeepWithin span) {
        return new RetentionPolicy(last, hourly, daily, weekly, monthly, yearly, span, tags);
    }

    public RetentionPolicy withTags(List<String> keepTags) {
        return new RetentionPolicy(last, hourly, daily, weekly, monthly, yearly, within, keepTags);
    }

    /** Whether no rule is set: such a policy would keep nothing but held snapshots. */
    public boolean isEmpty() {
        return last == 0 && hourly == 0 && daily == 0 && weekly == 0 && monthly == 0 && yearly == 0 && within == null
                && tags.isEmpty();
    }

    /** Fails with {@link ErrorCode#REFUSED} when the policy has no rule. */
    public RetentionPolicy requireRules() {
        if (isEmpty()) {
            throw new LifeboatException(ErrorCode.REFUSED,
                    "refusing to forget with an empty retention policy: it would remove every snapshot",
                    "give at least one rule, e.g. --keep-last 7 --keep-daily 14, or name the snapshots to forget");
        }
        return this;
    }

    /** What this policy decides for one snapshot: kept when some rule gave a reason. */
    public record Decision(Snapshot snapshot, List<String> reasons) {
        public Decision {
            Objects.requireNonNull(snapshot, "snapshot");
            reasons = List.copyOf(reasons);
        }

        public boolean keep() {
            return !reasons.isEmpty();
        }
    }

    /**
     * Decides for every snapshot of one group, returned newest first.
     *
     * @param holds holds by snapshot id (lapsed ones may be included: they keep nothing)
     * @param now the instant holds are judged at
     * @param zone the time zone of the buckets and of calendar spans
     */
    public List<Decision> apply(List<Snapshot> group, Map<SnapshotId, Hold> holds, Instant now, ZoneId zone) {
        List<Snapshot> sorted = group.stream().sorted(NEWEST_FIRST).toList();
        List<List<String>> reasons = new ArrayList<>();
        sorted.forEach(s -> reasons.add(new ArrayList<>()));
        for (int i = 0; i < Math.min(last, sorted.size()); i++) {
            reasons.get(i).add("last " + (i + 1) + "/" + last);
        }
        counts().forEach((bucket, n) -> keepNewestPerBucket(sorted, bucket, n, zone, reasons));
        if (within != null && !sorted.isEmpty()) {
            Instant cutoff = within.cutoff(sorted.get(0).time(), zone);
            for (int i = 0; i < sorted.size() && !sorted.get(i).time().isBefore(cutoff); i++) {
                reasons.get(i).add("within " + within);
            }
        }
        for (String tag : tags) {
            for (int i = 0; i < sorted.size(); i++) {
                if (sorted.get(i).tags().contains(tag)) {
                    reasons.get(i).add("tag " + tag);
                }
            }
        }
        for (int i = 0; i < sorted.size(); i++) {
            Hold hold = holds.get(sorted.get(i).id());
            if (hold != null && hold.activeAt(now)) {
                reasons.get(i).add(hold.until() == null ? "legal hold" : "legal hold until " + hold.until());
            }
        }
        List<Decision> out = new ArrayList<>(sorted.size());
        for (int i = 0; i < sorted.size(); i++) {
            out.add(new Decision(sorted.get(i), reasons.get(i)));
        }
        return out;
    }

    private Map<Bucket, Integer> counts() {
        Map<Bucket, Integer> m = new EnumMap<>(Bucket.class);
        m.put(Bucket.HOURLY, hourly);
        m.put(Bucket.DAILY, daily);
        m.put(Bucket.WEEKLY, weekly);
        m.put(Bucket.MONTHLY, monthly);
        m.put(Bucket.YEARLY, yearly);
        return m;
    }

    /**
     * Newest first, the first snapshot met in a bucket is that bucket's newest. A set rather than
     * "differs from the previous bucket" keeps this right even where local dates are not
     * monotonic (zones that turn clocks back across midnight).
     */
    private static void keepNewestPerBucket(List<Snapshot> sorted, Bucket bucket, int n, ZoneId zone,
            List<List<String>> reasons) {
        Set<Object> seen = new HashSet<>();
        for (int i = 0; i < sorted.size() && seen.size() < n; i++) {
            if (seen.add(bucket.keyOf(sorted.get(i).time(), zone))) {
                reasons.get(i).add(bucket.label() + " " + seen.size() + "/" + n);
            }
        }
    }
}
