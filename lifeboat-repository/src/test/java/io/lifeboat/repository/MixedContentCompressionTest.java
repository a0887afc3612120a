package io.lifeboat.repository;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.source.ChunkingProfile;
import io.lifeboat.core.source.StoredContent;
import io.lifeboat.repository.crypto.KdfParams;
import io.lifeboat.testkit.data.SparseRandomStream;
import io.lifeboat.testkit.storage.InMemoryStorage;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * Large chunks of mixed content (random blocks among zeros) are compressed although their first
 * and last samples always fall on random bytes (cut points fall there), and often the middle one
 * too; random chunks are stored as they are.
 */
class MixedContentCompressionTest {
    private static final char[] PASSWORD = "correct horse".toCharArray();
    private static final int MIB = 1024 * 1024;
    private static final long SIZE = 64L * MIB;

    private record Stored(long plainBytes, long storedBytes, byte[] readBack) {}

    private static Stored store(long seed, int randomPerMib) throws Exception {
        InMemoryStorage storage = new InMemoryStorage();
        StoredContent content;
        long plain;
        long stored;
        try (Repository repo = Repository.init(storage, PASSWORD, KdfParams.FAST, 16 * MIB, ClientContext.system());
                BackupWriter w = repo.newWriter(ChunkingProfile.FILES, ProgressListener.NONE)) {
            content = w.storeContent(new SparseRandomStream(SIZE, seed, mib -> randomPerMib));
            w.flush();
            plain = w.bytesAdded();
            stored = w.storedBytesAdded();
        }
        try (Repository reopened = Repository.open(storage, PASSWORD, ClientContext.system());
                SnapshotReader r = reopened.reader(ProgressListener.NONE);
                InputStream in = r.openContent(content.blobs())) {
            return new Stored(plain, stored, in.readAllBytes());
        }
    }

    private static byte[] expected(long seed, int randomPerMib) throws Exception {
        try (InputStream in = new SparseRandomStream(SIZE, seed, mib -> randomPerMib)) {
            return in.readAllBytes();
        }
    }

    @Test
    void chunksOfRandomBlocksAmongZerosAreCompressedWhateverTheirSamplesSay() throws Exception {
        Stored s = store(5, 64 * 1024);
        assertThat(s.plainBytes()).isEqualTo(SIZE);
        // 1/16 of the input is random: stored, it is a little more than that (0.36 when three
        // samples alone decided).
        assertThat((double) s.storedBytes() / s.plainBytes()).isLessThan(0.1);
        assertThat(s.readBack()).isEqualTo(expected(5, 64 * 1024));
    }

    @Test
    void randomChunksAreStoredUncompressed() throws Exception {
        Stored s = store(6, MIB);
        assertThat(s.plainBytes()).isEqualTo(SIZE);
        assertThat(s.storedBytes()).isBetween(SIZE, SIZE + SIZE / 100);
        assertThat(s.readBack()).isEqualTo(expected(6, MIB));
    }
}
