package io.lifeboat.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.id.SnapshotId;
import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.repository.crypto.KdfParams;
import io.lifeboat.repository.hold.Hold;
import io.lifeboat.repository.lock.LockPolicy;
import io.lifeboat.repository.snapshot.Snapshot;
import io.lifeboat.testkit.storage.InMemoryStorage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RepositoryHoldsTest {
    private static final char[] PASSWORD = "pw".toCharArray();
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private final ClientContext client = new ClientContext("host-a", "alice", Clock.fixed(NOW, ZoneOffset.UTC),
            LockPolicy.DEFAULT);
    private final InMemoryStorage storage = new InMemoryStorage();
    private final Repository repo = Repository.init(storage, PASSWORD, KdfParams.FAST, 1 << 20, client);

    private SnapshotId snapshot(String hour) {
        return repo.saveSnapshot(new Snapshot(null, Instant.parse("2026-02-01T" + hour + ":00:00Z"), "host-a", "alice",
                "files", "/srv", List.of("/srv"), List.of(), null, BlobId.of(new byte[32]), Map.of(), null, null, "t"));
    }

    private static Hold hold(SnapshotId id, String reason, Instant until) {
        return new Hold(id, reason, until, NOW, "host-a", "alice");
    }

    @Test
    void holdIsStoredEncryptedUnderTheSnapshotIdAndReadsBackAfterReopen() {
        SnapshotId id = snapshot("10");
        Hold placed = hold(id, "case 4711: litigation", Instant.parse("2027-01-01T00:00:00Z"));

        repo.putHold(placed);

        byte[] stored = storage.get(Handle.of(ObjectKind.HOLD, id.hex()));
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("litigation").doesNotContain("alice");
        Repository reopened = Repository.open(storage, PASSWORD, client);
        assertThat(reopened.loadHold(id)).contains(placed);
        assertThat(reopened.holds()).containsExactly(placed);
    }

    @Test
    void placingAHoldAgainReplacesIt() {
        SnapshotId id = snapshot("10");
        repo.putHold(hold(id, "first", null));
        Hold second = hold(id, "second", Instant.parse("2026-06-01T00:00:00Z"));

        repo.putHold(second);

        assertThat(repo.holds()).containsExactly(second);
        assertThat(storage.list(ObjectKind.HOLD)).hasSize(1);
    }

    @Test
    void holdsAreListedOldestFirstAndRemovedOneByOne() {
        SnapshotId a = snapshot("10");
        SnapshotId b = snapshot("11");
        Hold later = new Hold(a, "later", null, NOW.plusSeconds(60), "h", "u");
        Hold earlier = new Hold(b, "earlier", null, NOW, "h", "u");
        repo.putHold(later);
        repo.putHold(earlier);

        assertThat(repo.holds()).containsExactly(earlier, later);
        assertThat(repo.removeHold(a)).isTrue();
        assertThat(repo.removeHold(a)).isFalse();
        assertThat(repo.holds()).containsExactly(earlier);
        assertThat(repo.loadHold(a)).isEmpty();
    }

    @Test
    void holdCopiedUnderAnotherSnapshotNameIsReportedDamaged() {
        SnapshotId held = snapshot("10");
        SnapshotId other = snapshot("11");
        repo.putHold(hold(held, "x", null));
        storage.put(Handle.of(ObjectKind.HOLD, other.hex()), storage.get(Handle.of(ObjectKind.HOLD, held.hex())));

        assertThatThrownBy(repo::holds).isInstanceOf(LifeboatException.class)
                .hasMessageContaining("hold " + other.hex())
                .satisfies(e -> assertThat(((LifeboatException) e).code()).isEqualTo(ErrorCode.DAMAGED_DATA));
    }

    @Test
    void snapshotObjectStoredAsAHoldFailsAuthentication() {
        SnapshotId id = snapshot("10");
        storage.put(Handle.of(ObjectKind.HOLD, id.hex()), storage.get(Handle.of(ObjectKind.SNAPSHOT, id.hex())));

        assertThatThrownBy(() -> repo.loadHold(id)).isInstanceOf(LifeboatException.class)
                .hasMessageContaining("authentication failed");
    }

    @Test
    void removeSnapshotDeletesOnlyTheSnapshotObject() {
        SnapshotId kept = snapshot("10");
        SnapshotId removed = snapshot("11");

        repo.removeSnapshot(removed);

        assertThat(repo.snapshots()).extracting(Snapshot::id).containsExactly(kept);
    }

    @Test
    void holdLapsesAtItsEndInstant() {
        Instant until = Instant.parse("2026-06-01T00:00:00Z");
        Hold h = hold(snapshot("10"), "", until);

        assertThat(h.activeAt(until.minusNanos(1))).isTrue();
        assertThat(h.activeAt(until)).isFalse();
        assertThat(hold(h.snapshot(), "", null).activeAt(Instant.MAX)).isTrue();
    }
}
