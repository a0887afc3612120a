package io.lifeboat.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.source.ChunkingProfile;
import io.lifeboat.core.source.StoredContent;
import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.repository.crypto.KdfParams;
import io.lifeboat.repository.index.BlobLocation;
import io.lifeboat.testkit.storage.FaultInjectingStorage;
import io.lifeboat.testkit.storage.InMemoryStorage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Content streams read neighbouring blobs of a pack in one request, and still fail at a damaged blob. */
class SnapshotReaderTest {
    private static final char[] PASSWORD = "correct horse".toCharArray();
    /** 4/16/128 KiB chunks, like a PostgreSQL dump. */
    private static final ChunkingProfile SMALL = new ChunkingProfile("small", 4 * 1024, 16 * 1024, 128 * 1024);

    private final InMemoryStorage memory = new InMemoryStorage();
    private final byte[] data = new byte[6 * 1024 * 1024];
    private StoredContent content;

    private void backUp() throws Exception {
        new SplittableRandom(5).nextBytes(data);
        try (Repository repo = Repository.init(memory, PASSWORD, KdfParams.FAST, 4 * 1024 * 1024, ClientContext.system());
                BackupWriter w = repo.newWriter(SMALL, ProgressListener.NONE)) {
            content = w.storeContent(new ByteArrayInputStream(data));
            w.flush();
        }
    }

    @Test
    void neighbouringBlobsOfAPackAreReadInFewRequests() throws Exception {
        backUp();
        FaultInjectingStorage counting = new FaultInjectingStorage(memory);
        try (Repository repo = Repository.open(counting, PASSWORD, ClientContext.system());
                SnapshotReader r = repo.reader(ProgressListener.NONE);
                InputStream in = r.openContent(content.blobs())) {
            int before = counting.calls(FaultInjectingStorage.Operation.GET_RANGE);
            assertThat(in.readAllBytes()).isEqualTo(data);
            int reads = counting.calls(FaultInjectingStorage.Operation.GET_RANGE) - before;
            System.out.printf("SnapshotReaderTest: %d ranged reads for %d blobs%n", reads, content.blobs().size());
            assertThat(content.blobs()).hasSizeGreaterThan(100);
            assertThat(reads).as("ranged reads for %d blobs of 6 MiB", content.blobs().size())
                    .isLessThan(content.blobs().size() / 10);
        }
    }

    @Test
    void aDamagedBlobInTheMiddleOfARunFailsAtItsPositionAfterTheBytesBeforeIt() throws Exception {
        backUp();
        List<BlobId> blobs = content.blobs();
        int damaged = blobs.size() / 2;
        long before = 0;
        BlobLocation loc;
        try (Repository repo = Repository.open(memory, PASSWORD, ClientContext.system())) {
            loc = repo.locate(blobs.get(damaged));
            for (int i = 0; i < damaged; i++) {
                before += repo.locate(blobs.get(i)).rawLength();
            }
        }
        Handle pack = Handle.of(ObjectKind.DATA, loc.pack().hex());
        byte[] bytes = memory.get(pack);
        bytes[loc.offset() + loc.length() / 2] ^= 0x10;
        memory.put(pack, bytes);

        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try (Repository repo = Repository.open(memory, PASSWORD, ClientContext.system());
                SnapshotReader r = repo.reader(ProgressListener.NONE);
                InputStream in = r.openContent(blobs)) {
            byte[] buffer = new byte[8192];
            assertThatThrownBy(() -> {
                for (int n; (n = in.read(buffer)) > 0;) {
                    got.write(buffer, 0, n);
                }
            }).isInstanceOf(LifeboatException.class)
                    .satisfies(e -> assertThat(((LifeboatException) e).code()).isEqualTo(ErrorCode.DAMAGED_DATA))
                    .hasMessageContaining(loc.pack().hex());
        }
        assertThat(got.size()).as("every byte before the damaged blob, none after").isEqualTo(before);
        assertThat(got.toByteArray()).isEqualTo(java.util.Arrays.copyOf(data, (int) before));
    }
}
