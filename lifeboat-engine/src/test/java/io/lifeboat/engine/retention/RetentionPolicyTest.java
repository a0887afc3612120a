package io.lifeboat.engine.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.id.SnapshotId;
import io.lifeboat.engine.retention.RetentionPolicy.Decision;
import io.lifeboat.repository.hold.Hold;
import io.lifeboat.repository.snapshot.Snapshot;
import java.nio.ByteBuffer;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The retention rules, first on small histories with the expected snapshots written out, then
 * table-driven on a synthetic two-year hourly history in Europe/Berlin (gaps, DST changes, year
 * boundaries, same-time snapshots) against a brute-force reference written independently below.
 */
class RetentionPolicyTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static final RetentionPolicy NONE = RetentionPolicy.NONE;

    // ---- small histories, expected snapshots written out ----

    @Test
    void keepLastKeepsTheNewestAndBreaksTimeTiesByTheLargerId() {
        Instant t = Instant.parse("2024-05-01T10:00:00Z");
        Snapshot older = snapshot(t.minusSeconds(60), 9);
        Snapshot tieSmallId = snapshot(t, 1);
        Snapshot tieLargeId = snapshot(t, 2);
        List<Snapshot> history = new ArrayList<>(List.of(older, tieSmallId, tieLargeId));
        for (int round = 0; round < 6; round++) {
            Collections.shuffle(history, new Random(round));

            assertThat(kept(NONE.withLast(1), history, BERLIN)).containsExactly(tieLargeId);
            assertThat(kept(NONE.withDaily(1), history, BERLIN)).containsExactly(tieLargeId);
            assertThat(kept(NONE.withLast(2), history, BERLIN)).containsExactly(tieLargeId, tieSmallId);
        }
    }

    @Test
    void hourRepeatedWhenDaylightSavingTimeEndsIsTwoHourlyBuckets() {
        // 2024-10-27 in Berlin: 03:00 CEST becomes 02:00 CET, so 02:xx happens twice.
        Snapshot s0130 = at("2024-10-26T23:30:00Z"); // 01:30 CEST
        Snapshot s0210a = at("2024-10-27T00:10:00Z"); // 02:10 CEST
        Snapshot s0250a = at("2024-10-27T00:50:00Z"); // 02:50 CEST
        Snapshot s0210b = at("2024-10-27T01:10:00Z"); // 02:10 CET
        Snapshot s0250b = at("2024-10-27T01:50:00Z"); // 02:50 CET
        Snapshot s0330 = at("2024-10-27T02:30:00Z"); // 03:30 CET
        List<Snapshot> history = List.of(s0130, s0210a, s0250a, s0210b, s0250b, s0330);

        assertThat(kept(NONE.withHourly(10), history, BERLIN)).containsExactly(s0330, s0250b, s0250a, s0130);
        assertThat(kept(NONE.withHourly(2), history, BERLIN)).containsExactly(s0330, s0250b);
        assertThat(kept(NONE.withDaily(10), history, BERLIN)).containsExactly(s0330);
    }

    @Test
    void dayBucketsFollowTheZoneAcrossTheSpringForwardDay() {
        Snapshot sat2330 = at("2024-03-30T22:30:00Z"); // Berlin Sat 23:30 CET
        Snapshot sun0030 = at("2024-03-30T23:30:00Z"); // Berlin Sun 00:30 CET
        Snapshot sun2330 = at("2024-03-31T21:30:00Z"); // Berlin Sun 23:30 CEST (a 23-hour day)
        Snapshot mon0030 = at("2024-03-31T22:30:00Z"); // Berlin Mon 00:30 CEST
        List<Snapshot> history = List.of(sat2330, sun0030, sun2330, mon0030);

        assertThat(kept(NONE.withDaily(10), history, BERLIN)).containsExactly(mon0030, sun2330, sat2330);
        assertThat(kept(NONE.withDaily(10), history, ZoneOffset.UTC)).containsExactly(mon0030, sun0030);
    }

    @Test
    void isoWeeksAndYearsAcrossTheYearBoundary() {
        Snapshot dec22 = at("2024-12-22T12:00:00Z"); // Sunday of 2024-W51
        Snapshot dec29 = at("2024-12-29T12:00:00Z"); // Sunday of 2024-W52
        Snapshot dec30 = at("2024-12-30T12:00:00Z"); // Monday of 2025-W01
        Snapshot jan02 = at("2025-01-02T12:00:00Z"); // Thursday of 2025-W01
        List<Snapshot> history = List.of(dec22, dec29, dec30, jan02);

        assertThat(kept(NONE.withWeekly(2), history, BERLIN)).containsExactly(jan02, dec29);
        assertThat(kept(NONE.withWeekly(9), history, BERLIN)).containsExactly(jan02, dec29, dec22);
        assertThat(kept(NONE.withYearly(2), history, BERLIN)).containsExactly(jan02, dec30);
        assertThat(kept(NONE.withMonthly(5), history, BERLIN)).containsExactly(jan02, dec30);
    }

    @Test
    void bucketsWithoutSnapshotsAreSkippedNotCounted() {
        Snapshot d1 = at("2024-05-01T10:00:00Z");
        Snapshot d2 = at("2024-05-02T10:00:00Z");
        Snapshot d5 = at("2024-05-05T10:00:00Z");
        Snapshot d9 = at("2024-05-09T10:00:00Z");

        assertThat(kept(NONE.withDaily(3), List.of(d1, d2, d5, d9), BERLIN)).containsExactly(d9, d5, d2);
    }

    @Test
    void keepWithinCountsCalendarDaysFromTheNewestSnapshotInclusive() {
        Snapshot newest = at("2024-04-01T10:00:00Z"); // 12:00 CEST
        Snapshot twoDays = at("2024-03-30T11:00:00Z"); // 12:00 CET: two calendar days, but only 47 hours
        Snapshot justOlder = at("2024-03-30T10:59:59Z");
        Snapshot hours48 = at("2024-03-30T10:00:00Z");
        Snapshot older = at("2024-03-30T09:59:59Z");
        List<Snapshot> history = List.of(newest, twoDays, justOlder, hours48, older);

        assertThat(kept(NONE.withWithin(KeepWithin.parse("2d")), history, BERLIN)).containsExactly(newest, twoDays);
        assertThat(kept(NONE.withWithin(KeepWithin.parse("47h")), history, BERLIN)).containsExactly(newest, twoDays);
        assertThat(kept(NONE.withWithin(KeepWithin.parse("48h")), history, BERLIN))
                .containsExactly(newest, twoDays, justOlder, hours48);
        assertThat(reasons(NONE.withWithin(KeepWithin.parse("2d")), history, Map.of()).get(newest))
                .containsExactly("within 2d");
    }

    @Test
    void keepTagKeepsEveryTaggedSnapshot() {
        Snapshot release1 = snapshot(Instant.parse("2024-01-01T00:00:00Z"), 1, "release");
        Snapshot nightly = snapshot(Instant.parse("2024-01-02T00:00:00Z"), 2, "nightly");
        Snapshot release2 = snapshot(Instant.parse("2024-01-03T00:00:00Z"), 3, "nightly", "release");
        List<Snapshot> history = List.of(release1, nightly, release2);

        assertThat(kept(NONE.withTags(List.of("release")), history, BERLIN)).containsExactly(release2, release1);
        assertThat(reasons(NONE.withTags(List.of("release", "nightly")), history, Map.of()).get(release2))
                .containsExactly("tag release", "tag nightly");
    }

    @Test
    void heldSnapshotSurvivesKeepLastOneAndLapsedHoldDoesNot() {
        List<Snapshot> history = new ArrayList<>();
        for (int day = 1; day <= 5; day++) {
            history.add(at("2024-05-0" + day + "T10:00:00Z"));
        }
        Snapshot newest = history.get(4);
        Snapshot held = history.get(0);
        Snapshot heldUntil = history.get(1);
        Snapshot lapsed = history.get(2);
        Instant later = NOW.plus(Duration.ofDays(30));
        Map<SnapshotId, Hold> holds = Map.of(
                held.id(), hold(held, null),
                heldUntil.id(), hold(heldUntil, later),
                lapsed.id(), hold(lapsed, NOW)); // lapses exactly now

        Map<Snapshot, List<String>> reasons = reasons(NONE.withLast(1), history, holds);

        assertThat(reasons).containsOnlyKeys(newest, heldUntil, held);
        assertThat(reasons.get(newest)).containsExactly("last 1/1");
        assertThat(reasons.get(held)).containsExactly("legal hold");
        assertThat(reasons.get(heldUntil)).containsExactly("legal hold until " + later);
    }

    @Test
    void everyRuleThatKeepsASnapshotIsRecorded() {
        Snapshot old = snapshot(Instant.parse("2024-05-01T10:00:00Z"), 1);
        Snapshot newest = snapshot(Instant.parse("2024-05-08T10:00:00Z"), 2, "release");
        RetentionPolicy policy = new RetentionPolicy(3, 1, 7, 4, 12, 2, KeepWithin.parse("1d"), List.of("release"));

        Map<Snapshot, List<String>> reasons = reasons(policy, List.of(old, newest), Map.of(newest.id(), hold(newest, null)));

        assertThat(reasons.get(newest)).containsExactly("last 1/3", "hourly 1/1", "daily 1/7", "weekly 1/4",
                "monthly 1/12", "yearly 1/2", "within 1d", "tag release", "legal hold");
        assertThat(reasons.get(old)).containsExactly("last 2/3", "daily 2/7", "weekly 2/4");
    }

    @Test
    void emptyPolicyIsRefusedWithAHint() {
        assertThat(NONE.isEmpty()).isTrue();
        assertThatThrownBy(NONE::requireRules).isInstanceOfSatisfying(LifeboatException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.REFUSED);
            assertThat(e.getMessage()).contains("every snapshot");
            assertThat(e.hint()).contains("--keep-last");
        });
        assertThatThrownBy(() -> ForgetOptions.byPolicy(NONE, GroupBy.DEFAULT, true))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REFUSED));
    }

    @Test
    void negativeCountIsAUsageError() {
        assertThatThrownBy(() -> NONE.withDaily(-1)).isInstanceOfSatisfying(LifeboatException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE));
    }

    @Test
    void keepWithinParsesCalendarSpans() {
        assertThat(KeepWithin.parse("2d")).isEqualTo(new KeepWithin(0, 0, 0, 2, 0));
        assertThat(KeepWithin.parse("36h")).isEqualTo(new KeepWithin(0, 0, 0, 0, 36));
        assertThat(KeepWithin.parse("1y2m")).isEqualTo(new KeepWithin(1, 2, 0, 0, 0));
        assertThat(KeepWithin.parse("1y2m3w4d5h").toString()).isEqualTo("1y2m3w4d5h");
        assertThat(KeepWithin.parse("1y2m").cutoff(Instant.parse("2024-12-31T12:00:00Z"), BERLIN))
                .isEqualTo(Instant.parse("2023-10-31T12:00:00Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "2", "2x", "d2", "1d2y", "1.5d", "-1d", "2 d"})
    void keepWithinRejectsWhatItCannotRead(String text) {
        assertThatThrownBy(() -> KeepWithin.parse(text)).isInstanceOfSatisfying(LifeboatException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
            assertThat(e.hint()).contains("1y2m");
        });
    }

    @Test
    void groupByParsesAListAndEmptyMeansOneGroup() {
        assertThat(GroupBy.parse("host,source")).isEqualTo(GroupBy.DEFAULT);
        assertThat(GroupBy.parse(" tags , paths")).isEqualTo(new GroupBy(false, false, true, true));
        assertThat(GroupBy.parse("")).isEqualTo(new GroupBy(false, false, false, false));
        assertThat(GroupBy.parse("").keyOf(at("2024-01-01T00:00:00Z")).describe()).isEqualTo("all snapshots");
        assertThatThrownBy(() -> GroupBy.parse("host,colour")).isInstanceOfSatisfying(LifeboatException.class,
                e -> assertThat(e.hint()).contains("host, source, paths, tags"));
    }

    @Test
    void groupKeyComparesPathsAndTagsAsSets() {
        GroupBy all = GroupBy.parse("host,source,paths,tags");
        Snapshot a = new Snapshot(id(1), NOW, "h", "u", "files", "/a /b", List.of("/a", "/b"), List.of("x", "y"),
                null, BlobId.of(new byte[32]), Map.of(), null, null, "t");
        Snapshot b = new Snapshot(id(2), NOW, "h", "u", "files", "/a /b", List.of("/b", "/a"), List.of("y", "x"),
                null, BlobId.of(new byte[32]), Map.of(), null, null, "t");
        Snapshot otherHost = new Snapshot(id(3), NOW, "h2", "u", "files", "/a /b", List.of("/a", "/b"),
                List.of("x", "y"), null, BlobId.of(new byte[32]), Map.of(), null, null, "t");

        assertThat(all.keyOf(a)).isEqualTo(all.keyOf(b)).isNotEqualTo(all.keyOf(otherHost));
        assertThat(all.keyOf(a).describe()).isEqualTo("host=h source=files:/a /b paths=/a,/b tags=x,y");
    }

    // ---- the two-year history against the reference ----

    /** Each row: a policy, and where the history is cut off (its newest end). */
    static Stream<Arguments> rows() {
        Instant all = Instant.MAX;
        Instant afterFallBack2024 = Instant.parse("2024-10-27T03:00:00Z");
        Instant afterSpringForward2024 = Instant.parse("2024-03-31T04:00:00Z");
        Instant afterNewYear2024 = Instant.parse("2024-01-01T05:00:00Z");
        Instant afterMissingWeek = Instant.parse("2023-08-15T12:00:00Z");
        return Stream.of(
                Arguments.of(NONE.withLast(1), all),
                Arguments.of(NONE.withLast(7), all),
                Arguments.of(NONE.withLast(50), afterFallBack2024),
                Arguments.of(NONE.withHourly(24), all),
                Arguments.of(NONE.withHourly(30), afterFallBack2024),
                Arguments.of(NONE.withHourly(30), afterSpringForward2024),
                Arguments.of(NONE.withHourly(200), afterNewYear2024),
                Arguments.of(NONE.withDaily(7), all),
                Arguments.of(NONE.withDaily(10), afterSpringForward2024),
                Arguments.of(NONE.withDaily(10), afterNewYear2024),
                Arguments.of(NONE.withDaily(400), all),
                Arguments.of(NONE.withWeekly(4), all),
                Arguments.of(NONE.withWeekly(6), afterMissingWeek),
                Arguments.of(NONE.withWeekly(60), all),
                Arguments.of(NONE.withWeekly(3), afterNewYear2024),
                Arguments.of(NONE.withMonthly(12), all),
                Arguments.of(NONE.withMonthly(100), all),
                Arguments.of(NONE.withYearly(1), all),
                Arguments.of(NONE.withYearly(10), all),
                Arguments.of(NONE.withWithin(KeepWithin.parse("2d")), all),
                Arguments.of(NONE.withWithin(KeepWithin.parse("36h")), afterFallBack2024),
                Arguments.of(NONE.withWithin(KeepWithin.parse("1y2m")), all),
                Arguments.of(NONE.withWithin(KeepWithin.parse("1w")), afterSpringForward2024),
                Arguments.of(NONE.withTags(List.of("release")), all),
                Arguments.of(new RetentionPolicy(3, 24, 7, 4, 12, 3, null, List.of()), all),
                Arguments.of(new RetentionPolicy(2, 0, 14, 8, 0, 0, null, List.of("release")), afterNewYear2024),
                Arguments.of(new RetentionPolicy(0, 48, 0, 0, 6, 0, KeepWithin.parse("1m"), List.of()),
                        afterFallBack2024),
                Arguments.of(new RetentionPolicy(1, 0, 0, 0, 0, 1, KeepWithin.parse("3d"), List.of("release")),
                        afterSpringForward2024));
    }

    @ParameterizedTest(name = "[{index}] {0} up to {1}")
    @MethodSource("rows")
    void policyOnTwoYearHistoryMatchesTheReference(RetentionPolicy policy, Instant end) {
        List<Snapshot> history = History.TWO_YEARS.stream().filter(s -> !s.time().isAfter(end)).toList();
        Map<SnapshotId, Hold> holds = History.holds(history);

        Map<Snapshot, List<String>> actual = reasons(policy, shuffled(history), holds);

        Map<Snapshot, List<String>> expected = Reference.reasons(policy, history, holds, BERLIN);
        assertThat(actual.keySet()).as("kept snapshots").containsExactlyInAnyOrderElementsOf(expected.keySet());
        assertThat(actual).as("reasons").isEqualTo(expected);
        assertThat(actual.size()).as("the policy removes something").isLessThan(history.size());
    }

    @Test
    void historyHasTheFeaturesTheTableReliesOn() {
        List<Snapshot> h = History.TWO_YEARS;
        assertThat(h).hasSizeGreaterThan(15_000);
        assertThat(h.stream().map(Snapshot::time).distinct().count()).as("same-time pairs").isLessThan(h.size());
        assertThat(h.stream().filter(s -> local(s).getYear() == 2023 && local(s).getMonthValue() == 8
                && local(s).getDayOfMonth() >= 7 && local(s).getDayOfMonth() <= 13)).as("missing week").isEmpty();
        assertThat(h.stream().filter(s -> local(s).equals(LocalDate.of(2024, 3, 31)))).as("missing day").isEmpty();
        assertThat(h.stream().filter(s -> local(s).getYear() == 2024 && local(s).getMonthValue() == 6))
                .as("missing month").isEmpty();
        assertThat(h.stream().filter(s -> s.time().isAfter(Instant.parse("2024-10-26T23:59:00Z"))
                && s.time().isBefore(Instant.parse("2024-10-27T02:00:00Z")))).as("both 02:xx hours").hasSizeGreaterThan(1);
        assertThat(History.holds(h)).isNotEmpty();
    }

    @Test
    void keepLastOneOnTheHistoryKeepsTheNewestAndEveryActiveHold() {
        List<Snapshot> history = History.TWO_YEARS;
        Map<SnapshotId, Hold> holds = History.holds(history);

        Map<Snapshot, List<String>> reasons = reasons(NONE.withLast(1), history, holds);

        long active = holds.values().stream().filter(h -> h.activeAt(NOW)).count();
        assertThat(active).isLessThan(holds.size());
        assertThat(reasons).hasSize((int) active + 1);
        assertThat(reasons.entrySet().stream().filter(e -> e.getValue().contains("last 1/1")).map(Map.Entry::getKey))
                .containsExactly(history.stream().max(Reference.OLDEST_FIRST).orElseThrow());
    }

    // ---- helpers ----

    private static List<Snapshot> kept(RetentionPolicy policy, List<Snapshot> history, ZoneId zone) {
        return policy.apply(history, Map.of(), NOW, zone).stream().filter(Decision::keep).map(Decision::snapshot)
                .toList();
    }

    private static Map<Snapshot, List<String>> reasons(RetentionPolicy policy, List<Snapshot> history,
            Map<SnapshotId, Hold> holds) {
        Map<Snapshot, List<String>> out = new LinkedHashMap<>();
        List<Decision> decisions = policy.apply(history, holds, NOW, BERLIN);
        assertThat(decisions).hasSameSizeAs(history);
        for (Decision d : decisions) {
            if (d.keep()) {
                out.put(d.snapshot(), d.reasons());
            }
        }
        return out;
    }

    private static List<Snapshot> shuffled(List<Snapshot> history) {
        List<Snapshot> copy = new ArrayList<>(history);
        Collections.shuffle(copy, new Random(history.size()));
        return copy;
    }

    private static LocalDate local(Snapshot s) {
        return LocalDate.ofInstant(s.time(), BERLIN);
    }

    private static Snapshot at(String instant) {
        return snapshot(Instant.parse(instant), instant.hashCode());
    }

    static Snapshot snapshot(Instant time, long idSeed, String... tags) {
        return new Snapshot(id(idSeed), time, "host", "user", "files", "/srv", List.of("/srv"), List.of(tags), null,
                BlobId.of(new byte[32]), Map.of(), null, null, "test");
    }

    /** An id whose order follows {@code seed}'s unsigned order. */
    static SnapshotId id(long seed) {
        return SnapshotId.of(ByteBuffer.allocate(32).putLong(seed).putLong(~seed).array());
    }

    private static Hold hold(Snapshot s, Instant until) {
        return new Hold(s.id(), "test", until, NOW.minus(Duration.ofDays(1)), "host", "user");
    }

    /** The synthetic history: hourly snapshots from 2023-01-15 to 2025-01-15 (UTC) with gaps and extras. */
    static final class History {
        static final List<Snapshot> TWO_YEARS = build();

        private static List<Snapshot> build() {
            List<Snapshot> out = new ArrayList<>();
            Instant start = Instant.parse("2023-01-15T00:00:00Z");
            Instant end = Instant.parse("2025-01-15T00:00:00Z");
            long i = 0;
            for (Instant t = start; t.isBefore(end); t = t.plus(Duration.ofHours(1)), i++) {
                LocalDate day = LocalDate.ofInstant(t, BERLIN);
                boolean missingWeek = !day.isBefore(LocalDate.of(2023, 8, 7)) && !day.isAfter(LocalDate.of(2023, 8, 13));
                boolean missingDay = day.equals(LocalDate.of(2023, 12, 31)) || day.equals(LocalDate.of(2024, 2, 29))
                        || day.equals(LocalDate.of(2024, 3, 31)) || day.equals(LocalDate.of(2024, 12, 25));
                boolean missingMonth = day.getYear() == 2024 && day.getMonthValue() == 6;
                if (missingWeek || missingDay || missingMonth || i % 13 == 5) {
                    continue;
                }
                // Scramble ids against time, so that time order never happens to follow id order.
                long seed = i * 0x9E3779B97F4A7C15L;
                Instant time = t.plus(Duration.ofMinutes((i * 7) % 50));
                out.add(snapshot(time, seed, i % 500 == 0 ? new String[] {"release"} : new String[0]));
                if (i % 97 == 0) {
                    out.add(snapshot(time, seed + 1)); // same time, another id
                }
                if (i % 41 == 0) {
                    out.add(snapshot(time.plus(Duration.ofMinutes(5)), seed + 2)); // a second one in the hour
                }
            }
            out.add(snapshot(end, Long.MAX_VALUE - 3)); // the newest time, twice
            out.add(snapshot(end, Long.MIN_VALUE + 3));
            return List.copyOf(out);
        }

        /** Every 997th snapshot is held: some for good, some until a time after NOW, some lapsed. */
        static Map<SnapshotId, Hold> holds(List<Snapshot> history) {
            Map<SnapshotId, Hold> out = new HashMap<>();
            for (int i = 0; i < history.size(); i += 997) {
                Instant until = switch (i % 3) {
                    case 0 -> null;
                    case 1 -> NOW.plus(Duration.ofDays(i));
                    default -> NOW.minus(Duration.ofDays(1));
                };
                out.put(history.get(i).id(), hold(history.get(i), until));
            }
            return out;
        }
    }

    /**
     * The rules restated the plainest way: group by bucket, take each bucket's newest, rank the
     * buckets by that snapshot. Bucket keys are computed differently from the implementation
     * (UTC hours: Berlin's offsets are whole hours; Mondays for ISO weeks).
     */
    static final class Reference {
        static final Comparator<Snapshot> OLDEST_FIRST = (a, b) -> {
            int byTime = a.time().compareTo(b.time());
            return byTime != 0 ? byTime : a.id().compareTo(b.id());
        };

        static Map<Snapshot, List<String>> reasons(RetentionPolicy p, List<Snapshot> history,
                Map<SnapshotId, Hold> holds, ZoneId zone) {
            List<Snapshot> newestFirst = history.stream().sorted(OLDEST_FIRST.reversed()).toList();
            Map<Snapshot, List<String>> out = new HashMap<>();
            for (int i = 0; i < p.last() && i < newestFirst.size(); i++) {
                add(out, newestFirst.get(i), "last " + (i + 1) + "/" + p.last());
            }
            bucket(out, history, "hourly", p.hourly(), s -> s.time().truncatedTo(ChronoUnit.HOURS));
            bucket(out, history, "daily", p.daily(), s -> LocalDate.ofInstant(s.time(), zone));
            bucket(out, history, "weekly", p.weekly(), s -> LocalDate.ofInstant(s.time(), zone).with(DayOfWeek.MONDAY));
            bucket(out, history, "monthly", p.monthly(), s -> LocalDate.ofInstant(s.time(), zone).withDayOfMonth(1));
            bucket(out, history, "yearly", p.yearly(), s -> LocalDate.ofInstant(s.time(), zone).getYear());
            if (p.within() != null) {
                Instant newest = newestFirst.get(0).time();
                KeepWithin w = p.within();
                Instant cutoff = newest.atZone(zone).minusYears(w.years()).minusMonths(w.months())
                        .minusDays(7L * w.weeks() + w.days()).minusHours(w.hours()).toInstant();
                newestFirst.stream().filter(s -> s.time().compareTo(cutoff) >= 0)
                        .forEach(s -> add(out, s, "within " + w));
            }
            for (String tag : p.tags()) {
                newestFirst.stream().filter(s -> s.tags().contains(tag)).forEach(s -> add(out, s, "tag " + tag));
            }
            for (Snapshot s : newestFirst) {
                Hold h = holds.get(s.id());
                if (h != null && (h.until() == null || h.until().isAfter(NOW))) {
                    add(out, s, h.until() == null ? "legal hold" : "legal hold until " + h.until());
                }
            }
            return out;
        }

        private static void bucket(Map<Snapshot, List<String>> out, List<Snapshot> history, String label, int n,
                Function<Snapshot, Object> keyOf) {
            Map<Object, Snapshot> newestOfBucket = new HashMap<>();
            for (Snapshot s : history) {
                newestOfBucket.merge(keyOf.apply(s), s, (a, b) -> OLDEST_FIRST.compare(a, b) >= 0 ? a : b);
            }
            List<Snapshot> ranked = newestOfBucket.values().stream().sorted(OLDEST_FIRST.reversed()).limit(n).toList();
            for (int i = 0; i < ranked.size(); i++) {
                add(out, ranked.get(i), label + " " + (i + 1) + "/" + n);
            }
        }

        private static void add(Map<Snapshot, List<String>> out, Snapshot s, String reason) {
            out.computeIfAbsent(s, k -> new ArrayList<>()).add(reason);
        }
    }
}
