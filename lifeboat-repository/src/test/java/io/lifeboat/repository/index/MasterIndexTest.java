package io.lifeboat.repository.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.id.PackId;
import io.lifeboat.repository.pack.BlobType;
import io.lifeboat.repository.pack.PackEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MasterIndexTest {

    private static byte[] random32(SplittableRandom r) {
        byte[] b = new byte[32];
        r.nextBytes(b);
        return b;
    }

    @Test
    void findsEveryBlobAfterGrowingAndMissesUnknownOnes() {
        SplittableRandom r = new SplittableRandom(7);
        MasterIndex index = new MasterIndex();
        Map<BlobId, BlobLocation> expected = new HashMap<>();
        for (int p = 0; p < 50; p++) {
            PackId pack = PackId.of(random32(r));
            List<PackEntry> entries = new ArrayList<>();
            int offset = 0;
            for (int i = 0; i < 400; i++) {
                BlobId id = BlobId.of(random32(r));
                int len = 1 + r.nextInt(100_000);
                BlobType type = i % 10 == 0 ? BlobType.TREE : BlobType.DATA;
                entries.add(new PackEntry(type, id, offset, len, len + 7));
                expected.put(id, new BlobLocation(pack, type, offset, len, len + 7));
                offset += len;
            }
            index.addPack(pack, entries);
        }
        assertThat(index.size()).isEqualTo(20_000);
        expected.forEach((id, loc) -> assertThat(index.lookup(id)).contains(loc));
        for (int i = 0; i < 1000; i++) {
            assertThat(index.contains(BlobId.of(random32(r)))).isFalse();
        }
        assertThat(index.packs()).hasSize(50);
        List<BlobId> visited = new ArrayList<>();
        index.forEach(b -> {
            visited.add(b.id());
            assertThat(b.location()).isEqualTo(expected.get(b.id()));
        });
        assertThat(visited).hasSize(20_000);
    }

    @Test
    void duplicateBlobKeepsItsFirstLocation() {
        SplittableRandom r = new SplittableRandom(1);
        BlobId id = BlobId.of(random32(r));
        PackId first = PackId.of(random32(r));
        PackId second = PackId.of(random32(r));
        MasterIndex index = new MasterIndex();
        index.addPack(first, List.of(new PackEntry(BlobType.DATA, id, 0, 10, 10)));
        index.addPack(second, List.of(new PackEntry(BlobType.DATA, id, 5, 10, 10)));
        assertThat(index.size()).isEqualTo(1);
        assertThat(index.lookup(id).orElseThrow().pack()).isEqualTo(first);
    }
}
