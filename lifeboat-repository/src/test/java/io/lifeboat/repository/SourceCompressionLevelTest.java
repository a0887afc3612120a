package io.lifeboat.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.source.ChunkingProfile;
import io.lifeboat.core.source.StoredContent;
import io.lifeboat.repository.crypto.KdfParams;
import io.lifeboat.testkit.storage.InMemoryStorage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A source's chunking profile sets the zstd level of its blobs; the level changes nothing else. */
class SourceCompressionLevelTest {
    private static final char[] PASSWORD = "correct horse".toCharArray();

    /** Text floats, like the embeddings of a dump: compressible, but not to nothing. */
    private static byte[] floats() {
        SplittableRandom r = new SplittableRandom(3);
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 3 * 1024 * 1024) {
            sb.append('{');
            for (int i = 0; i < 64; i++) {
                sb.append(i == 0 ? "" : ",").append(String.format("%.6f", r.nextDouble(-1, 1)));
            }
            sb.append("}\n");
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private record Stored(long storedBytes, byte[] readBack) {}

    private static Stored store(ChunkingProfile profile, byte[] data) throws Exception {
        InMemoryStorage storage = new InMemoryStorage();
        StoredContent content;
        long stored;
        try (Repository repo = Repository.init(storage, PASSWORD, KdfParams.FAST, 1024 * 1024, ClientContext.system());
                BackupWriter w = repo.newWriter(profile, ProgressListener.NONE)) {
            content = w.storeContent(new ByteArrayInputStream(data));
            w.flush();
            stored = w.storedBytesAdded();
        }
        try (Repository reopened = Repository.open(storage, PASSWORD, ClientContext.system());
                SnapshotReader r = reopened.reader(ProgressListener.NONE);
                InputStream in = r.openContent(content.blobs())) {
            return new Stored(stored, in.readAllBytes());
        }
    }

    @Test
    void theProfilesLevelIsTheOneBlobsAreCompressedAt() throws Exception {
        byte[] data = floats();
        ChunkingProfile profile = ChunkingProfile.DUMPS;
        assertThat(profile.zstdLevel()).isEqualTo(ChunkingProfile.DEFAULT_ZSTD_LEVEL);

        Stored fast = store(profile.withZstdLevel(1), data);
        Stored strong = store(profile.withZstdLevel(19), data);

        assertThat(fast.readBack()).isEqualTo(data);
        assertThat(strong.readBack()).isEqualTo(data);
        assertThat(strong.storedBytes()).as("level 19 stores less than level 1").isLessThan(fast.storedBytes());
        assertThat(fast.storedBytes()).as("both compress").isLessThan(data.length * 3L / 4);
    }

    @Test
    void levelsOutsideZstdsRangeAreRefused() {
        assertThatThrownBy(() -> ChunkingProfile.DUMPS.withZstdLevel(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("zstd level");
        assertThatThrownBy(() -> ChunkingProfile.DUMPS.withZstdLevel(20)).isInstanceOf(IllegalArgumentException.class);
    }
}
