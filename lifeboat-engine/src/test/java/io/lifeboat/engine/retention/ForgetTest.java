package io.lifeboat.engine.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.id.SnapshotId;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.engine.retention.RetentionPolicy.Decision;
import io.lifeboat.repository.ClientContext;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.crypto.KdfParams;
import io.lifeboat.repository.hold.Hold;
import io.lifeboat.repository.lock.LockPolicy;
import io.lifeboat.repository.lock.RepositoryLock;
import io.lifeboat.repository.snapshot.Snapshot;
import io.lifeboat.testkit.storage.InMemoryStorage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Forget and holds through the use cases, on a real repository in memory. */
class ForgetTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private final ClientContext client = new ClientContext("host-a", "alice", Clock.fixed(NOW, ZoneOffset.UTC),
            LockPolicy.DEFAULT);
    private final InMemoryStorage storage = new InMemoryStorage();
    private final Repository repo = Repository.init(storage, "pw".toCharArray(), KdfParams.FAST, 1 << 20, client);
    private final Forget forget = new Forget(repo, BERLIN);
    private final Holds holds = new Holds(repo);

    private SnapshotId snapshot(String host, int day, String... tags) {
        Instant time = Instant.parse("2026-02-01T10:00:00Z").plus(Duration.ofDays(day));
        return repo.saveSnapshot(new Snapshot(null, time, host, "alice", "files", "/srv", List.of("/srv"),
                List.of(tags), null, BlobId.of(new byte[32]), Map.of(), null, null, "test"));
    }

    private List<SnapshotId> stored() {
        return repo.snapshots().stream().map(Snapshot::id).toList();
    }

    private static ForgetOptions keepLast(int n) {
        return ForgetOptions.byPolicy(RetentionPolicy.NONE.withLast(n), GroupBy.DEFAULT, false);
    }

    @Test
    void forgetNeverRemovesHeldSnapshot() {
        SnapshotId held = snapshot("host-a", 1);
        SnapshotId middle = snapshot("host-a", 2);
        SnapshotId newest = snapshot("host-a", 3);
        holds.place(held.hex(), "audit 2026", null);

        ForgetResult r = forget.run(keepLast(1));

        assertThat(stored()).containsExactly(held, newest);
        assertThat(r.dryRun()).isFalse();
        assertThat(r.groups()).singleElement().satisfies(g -> {
            assertThat(g.key().describe()).isEqualTo("host=host-a source=files:/srv");
            assertThat(g.kept()).extracting(d -> d.snapshot().id()).containsExactly(newest, held);
            assertThat(g.kept()).extracting(Decision::reasons).containsExactly(List.of("last 1/1"), List.of("legal hold"));
            assertThat(g.removed()).extracting(d -> d.snapshot().id()).containsExactly(middle);
        });
        assertThat(storage.list(ObjectKind.HOLD)).hasSize(1);
        assertThat(storage.list(ObjectKind.LOCK)).as("lock released").isEmpty();
    }

    @Test
    void dryRunDeletesNothingAndNeedsNoLock() {
        SnapshotId a = snapshot("host-a", 1);
        SnapshotId b = snapshot("host-a", 2);
        try (RepositoryLock backup = repo.lock(false, "backup")) {
            ForgetResult r = forget.run(ForgetOptions.byPolicy(RetentionPolicy.NONE.withLast(1), GroupBy.DEFAULT, true));

            assertThat(r.dryRun()).isTrue();
            assertThat(r.removedCount()).isEqualTo(1);
            assertThat(stored()).containsExactly(a, b);
            assertThatThrownBy(() -> forget.run(keepLast(1))).isInstanceOfSatisfying(LifeboatException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.REPOSITORY_LOCKED));
            assertThat(stored()).containsExactly(a, b);
        }
    }

    @Test
    void policyIsAppliedPerSeriesUnlessGroupingSaysOtherwise() {
        SnapshotId a1 = snapshot("host-a", 1);
        SnapshotId a2 = snapshot("host-a", 3);
        SnapshotId b1 = snapshot("host-b", 2);

        ForgetResult perHost = forget.run(ForgetOptions.byPolicy(RetentionPolicy.NONE.withLast(1), GroupBy.DEFAULT, true));
        ForgetResult oneGroup = forget.run(ForgetOptions.byPolicy(RetentionPolicy.NONE.withLast(1), GroupBy.parse(""),
                true));

        assertThat(perHost.groups()).extracting(g -> g.key().host()).containsExactly("host-a", "host-b");
        assertThat(perHost.groups()).flatExtracting(ForgetResult.Group::removed).extracting(d -> d.snapshot().id())
                .containsExactly(a1);
        assertThat(oneGroup.groups()).singleElement().satisfies(g -> {
            assertThat(g.kept()).extracting(d -> d.snapshot().id()).containsExactly(a2);
            assertThat(g.removed()).extracting(d -> d.snapshot().id()).containsExactly(b1, a1);
        });
    }

    @Test
    void namedSnapshotsAreForgottenExactly() {
        SnapshotId a = snapshot("host-a", 1);
        SnapshotId b = snapshot("host-a", 2);
        SnapshotId c = snapshot("host-a", 3);

        ForgetResult r = forget.run(ForgetOptions.named(List.of(a.hex().substring(0, 10), "latest"), GroupBy.DEFAULT,
                false));

        assertThat(stored()).containsExactly(b);
        assertThat(r.groups()).singleElement().satisfies(g -> {
            assertThat(g.kept()).isEmpty();
            assertThat(g.removed()).extracting(d -> d.snapshot().id()).containsExactly(c, a);
        });
    }

    @Test
    void namingAHeldSnapshotIsRefusedAndForgetsNothing() {
        SnapshotId free = snapshot("host-a", 1);
        SnapshotId held = snapshot("host-a", 2);
        holds.place(held.hex(), "case 4711", null);

        assertThatThrownBy(() -> forget.run(ForgetOptions.named(List.of(free.hex(), held.shortHex()), GroupBy.DEFAULT,
                false))).isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.REFUSED);
                    assertThat(e.getMessage()).contains("snapshot " + held.shortHex() + " is under legal hold")
                            .contains("case 4711").contains("alice@host-a");
                    assertThat(e.hint()).contains("lifeboat release").contains(held.shortHex());
                });
        assertThat(stored()).containsExactly(free, held);
    }

    @Test
    void lapsedHoldProtectsNothingAndGoesWithItsSnapshot() {
        SnapshotId old = snapshot("host-a", 1);
        SnapshotId newest = snapshot("host-a", 2);
        repo.putHold(new Hold(old, "expired", NOW.minusSeconds(1), NOW.minus(Duration.ofDays(9)), "h", "u"));

        ForgetResult r = forget.run(keepLast(1));

        assertThat(stored()).containsExactly(newest);
        assertThat(r.lapsedHoldsRemoved()).containsExactly(old);
        assertThat(repo.holds()).isEmpty();
    }

    @Test
    void bothNamesAndRulesIsAUsageError() {
        assertThatThrownBy(() -> new ForgetOptions(RetentionPolicy.NONE.withLast(1), GroupBy.DEFAULT, false,
                List.of("latest"))).isInstanceOfSatisfying(LifeboatException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE));
    }

    @Test
    void holdsArePlacedListedAndReleased() {
        SnapshotId a = snapshot("host-a", 1);
        SnapshotId b = snapshot("host-a", 2);
        Instant until = NOW.plus(Duration.ofDays(30));

        Hold placed = holds.place(a.shortHex(), "case 1", until);
        holds.place("latest", "", null);

        assertThat(placed).isEqualTo(new Hold(a, "case 1", until, NOW, "host-a", "alice"));
        assertThat(holds.list()).extracting(s -> s.hold().snapshot(), Holds.Status::active, Holds.Status::snapshotPresent)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(a, true, true),
                        org.assertj.core.groups.Tuple.tuple(b, true, true));
        assertThat(holds.release(b.hex().substring(0, 12))).isEqualTo(b);
        assertThat(holds.list()).extracting(s -> s.hold().snapshot()).containsExactly(a);
        assertThatThrownBy(() -> holds.release(b.shortHex())).isInstanceOfSatisfying(LifeboatException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(storage.list(ObjectKind.LOCK)).isEmpty();
    }

    @Test
    void holdEndingInThePastIsRefused() {
        SnapshotId a = snapshot("host-a", 1);

        assertThatThrownBy(() -> holds.place(a.hex(), "x", NOW)).isInstanceOfSatisfying(LifeboatException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE));
        assertThat(repo.holds()).isEmpty();
    }

    @Test
    void holdOfAForgottenSnapshotIsListedAsMissingAndCanBeReleased() {
        SnapshotId a = snapshot("host-a", 1);
        holds.place(a.hex(), "x", null);
        repo.removeSnapshot(a); // as a manual deletion would

        assertThat(holds.list()).singleElement().satisfies(s -> assertThat(s.snapshotPresent()).isFalse());
        assertThat(holds.release(a.shortHex())).isEqualTo(a);
        assertThat(repo.holds()).isEmpty();
    }
}
