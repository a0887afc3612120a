package io.lifeboat.repository;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.source.ChunkingProfile;
import io.lifeboat.core.source.StoredContent;
import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.core.storage.Storage;
import io.lifeboat.repository.crypto.KdfParams;
import io.lifeboat.testkit.storage.ForwardingStorage;
import io.lifeboat.testkit.storage.InMemoryStorage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A storage with a round-trip time (a remote server) gets several packs at once, as many as it
 * prefers and no more, and what was written that way reads back identical.
 */
class ConcurrentUploadsTest {
    private static final char[] PASSWORD = "correct horse".toCharArray();

    @Test
    void packsGoUpInParallelUpToTheStoragesPreferenceAndReadBackIdentical() throws Exception {
        SlowStorage storage = new SlowStorage(new InMemoryStorage(), 3);
        byte[] data = new byte[24 * 1024 * 1024];
        new SplittableRandom(11).nextBytes(data);
        StoredContent content;
        try (Repository repo = Repository.init(storage, PASSWORD, KdfParams.FAST, 1024 * 1024, ClientContext.system());
                BackupWriter w = repo.newWriter(ChunkingProfile.FILES, ProgressListener.NONE)) {
            content = w.storeContent(new ByteArrayInputStream(data));
            w.flush();
        }
        assertThat(storage.list(ObjectKind.DATA)).hasSizeGreaterThan(10);
        assertThat(storage.maxConcurrentPackWrites.get()).as("packs written at the same time").isEqualTo(3);

        try (Repository reopened = Repository.open(storage, PASSWORD, ClientContext.system());
                SnapshotReader r = reopened.reader(ProgressListener.NONE);
                InputStream in = r.openContent(content.blobs())) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    /** Pack writes take 30 ms each, like a request to a server some distance away. */
    private static final class SlowStorage extends ForwardingStorage {
        private final int preferred;
        private final AtomicInteger running = new AtomicInteger();
        final AtomicInteger maxConcurrentPackWrites = new AtomicInteger();

        SlowStorage(Storage delegate, int preferred) {
            super(delegate);
            this.preferred = preferred;
        }

        @Override
        public void put(Handle handle, byte[] content) {
            if (handle.kind() != ObjectKind.DATA) {
                delegate.put(handle, content);
                return;
            }
            maxConcurrentPackWrites.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(30);
                delegate.put(handle, content);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                running.decrementAndGet();
            }
        }

        @Override
        public int preferredConcurrentWrites() {
            return preferred;
        }

        @Override
        public String location() {
            return "slow " + delegate.location();
        }
    }
}
