package io.lifeboat.engine.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.id.PackId;
import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectInfo;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.repository.pack.BlobType;
import io.lifeboat.repository.pack.PackEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The planning rules of prune on hand-made packs: ten blobs of 100 bytes per pack. */
class PrunePlanTest {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private final Map<PackId, ObjectInfo> stored = new LinkedHashMap<>();
    private final Map<PackId, List<PackEntry>> indexed = new LinkedHashMap<>();
    private final Set<BlobId> used = new HashSet<>();

    private static BlobId blob(int n) {
        byte[] b = new byte[32];
        b[0] = (byte) (n >> 8);
        b[1] = (byte) n;
        b[31] = 7;
        return BlobId.of(b);
    }

    private static PackId packId(int n) {
        byte[] b = new byte[32];
        b[0] = (byte) n;
        b[31] = 9;
        return PackId.of(b);
    }

    /** Pack {@code n} holds blobs {@code n*10 .. n*10+9}; the first {@code usedCount} are used. */
    private PackId pack(int n, int usedCount) {
        PackId id = packId(n);
        List<PackEntry> entries = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            BlobId b = blob(n * 10 + i);
            entries.add(new PackEntry(BlobType.DATA, b, i * 100, 100, 100));
            if (i < usedCount) {
                used.add(b);
            }
        }
        indexed.put(id, entries);
        stored.put(id, new ObjectInfo(Handle.of(ObjectKind.DATA, id.hex()), 1000, NOW.minus(Duration.ofDays(1))));
        return id;
    }

    private PrunePlan plan(double maxUnused, long maxRepack) {
        return PrunePlan.of(stored, indexed, used, new PruneOptions(maxUnused, maxRepack, Duration.ofMinutes(30), false), NOW);
    }

    @Test
    void unusedPacksGoAndFullyUsedOnesStay() {
        PackId full = pack(1, 10);
        PackId empty = pack(2, 0);
        PrunePlan p = plan(0, Long.MAX_VALUE);
        assertThat(p.keep).containsOnlyKeys(full);
        assertThat(p.delete).containsExactly(empty);
        assertThat(p.repack).isEmpty();
        assertThat(p.blobsRemoved).isEqualTo(10);
        assertThat(p.changesIndex()).isTrue();
    }

    @Test
    void mostlyUnusedPacksAreRepackedFirstUntilTheRestFitsTheUnusedLimit() {
        pack(1, 10);
        pack(2, 10);
        PackId nineUsed = pack(3, 9); // 100 bytes unused
        PackId twoUsed = pack(4, 2); // 800 bytes unused
        PackId fiveUsed = pack(5, 5); // 500 bytes unused
        // used: 10+10+9+2+5 = 36 blobs = 3600 bytes; 10% allows 360 unused bytes of the 1400
        PrunePlan p = plan(10, Long.MAX_VALUE);
        assertThat(p.repack).containsOnlyKeys(twoUsed, fiveUsed); // 1400 → 600 after the first, → 100 after the second
        assertThat(p.repack.get(twoUsed)).hasSize(2);
        assertThat(p.keep).containsKey(nineUsed);
        assertThat(p.unusedBytesLeft).isEqualTo(100);

        PrunePlan twenty = plan(20, Long.MAX_VALUE); // 720 allowed: 600 left after the worst pack
        assertThat(twenty.repack).containsOnlyKeys(twoUsed);
        assertThat(twenty.unusedBytesLeft).isEqualTo(600);

        PrunePlan loose = plan(50, Long.MAX_VALUE); // 1800 allowed: nothing to repack
        assertThat(loose.repack).isEmpty();
        assertThat(loose.unusedBytesLeft).isEqualTo(1400);
        assertThat(loose.changesIndex()).isFalse();
    }

    @Test
    void repackStopsAtTheSizeLimit() {
        pack(1, 1);
        pack(2, 2);
        pack(3, 3);
        PrunePlan p = plan(0, 2000); // two packs of 1000 bytes fit
        assertThat(p.repack).containsOnlyKeys(packId(1), packId(2));
        assertThat(p.keep).containsOnlyKeys(packId(3));
        assertThat(plan(0, 0).repack).isEmpty();
    }

    @Test
    void aBlobInTwoPacksIsKeptOnceInTheBetterUsedPack() {
        PackId partly = pack(1, 3);
        // A full copy of the three used blobs, as an interrupted repack leaves it.
        PackId copy = packId(2);
        List<PackEntry> entries = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            entries.add(new PackEntry(BlobType.DATA, blob(10 + i), i * 100, 100, 100));
        }
        indexed.put(copy, entries);
        stored.put(copy, new ObjectInfo(Handle.of(ObjectKind.DATA, copy.hex()), 300, NOW));
        PrunePlan p = plan(0, Long.MAX_VALUE);
        assertThat(p.keep).containsOnlyKeys(copy);
        assertThat(p.delete).containsExactly(partly);
        assertThat(p.lost).isEmpty();
    }

    @Test
    void usedBlobsInNoStoredPackAreReportedLost() {
        PackId gone = pack(1, 4);
        stored.remove(gone);
        PrunePlan p = plan(0, Long.MAX_VALUE);
        assertThat(p.lost).hasSize(4);
        assertThat(p.missing).containsExactly(gone);
    }

    @Test
    void missingPacksNothingUsesAreDroppedFromTheIndex() {
        pack(1, 10);
        PackId gone = pack(2, 0);
        stored.remove(gone);
        PrunePlan p = plan(0, Long.MAX_VALUE);
        assertThat(p.lost).isEmpty();
        assertThat(p.missing).containsExactly(gone);
        assertThat(p.changesIndex()).isTrue();
        assertThat(p.blobsRemoved).isEqualTo(10);
    }

    @Test
    void unindexedPacksAreDeletedOnlyAfterTheGracePeriod() {
        pack(1, 10);
        PackId young = packId(7);
        PackId old = packId(8);
        stored.put(young, new ObjectInfo(Handle.of(ObjectKind.DATA, young.hex()), 50, NOW.minus(Duration.ofMinutes(29))));
        stored.put(old, new ObjectInfo(Handle.of(ObjectKind.DATA, old.hex()), 50, NOW.minus(Duration.ofMinutes(30))));
        PrunePlan p = plan(0, Long.MAX_VALUE);
        assertThat(p.unindexedDelete).containsExactly(old);
        assertThat(p.unindexedKept).isEqualTo(1);
        assertThat(p.changesIndex()).isFalse();
    }
}
