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
import io.lifeboat.core.storage.ObjectInfo;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.core.tree.Node;
import io.lifeboat.core.tree.Tree;
import io.lifeboat.repository.crypto.KdfParams;
import io.lifeboat.repository.index.IndexFile;
import io.lifeboat.repository.snapshot.Snapshot;
import io.lifeboat.testkit.storage.InMemoryStorage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RepositoryTest {
    private static final char[] PASSWORD = "correct horse".toCharArray();
    private final ClientContext client = ClientContext.system();

    private Repository init(InMemoryStorage storage, int packSize) {
        return Repository.init(storage, PASSWORD, KdfParams.FAST, packSize, client);
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    @Test
    void storedStreamReadsBackIdenticalAfterReopen() throws Exception {
        InMemoryStorage storage = new InMemoryStorage();
        byte[] data = random(40 * 1024 * 1024, 3);
        StoredContent content;
        try (Repository repo = init(storage, 4 * 1024 * 1024);
                BackupWriter w = repo.newWriter(ChunkingProfile.FILES, ProgressListener.NONE)) {
            content = w.storeContent(new ByteArrayInputStream(data));
            w.flush();
            assertThat(content.size()).isEqualTo(data.length);
            assertThat(content.addedBytes()).isEqualTo(data.length);
        }
        assertThat(storage.list(ObjectKind.DATA)).hasSizeGreaterThan(5);
        assertThat(storage.list(ObjectKind.INDEX)).hasSize(1);
        Repository reopened = Repository.open(storage, PASSWORD, client);
        try (SnapshotReader r = reopened.reader(ProgressListener.NONE);
                InputStream in = r.openContent(content.blobs())) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void secondCopyOfTheSameStreamAddsNothing() throws Exception {
        InMemoryStorage storage = new InMemoryStorage();
        byte[] data = random(8 * 1024 * 1024, 5);
        try (Repository repo = init(storage, 16 * 1024 * 1024)) {
            try (BackupWriter w = repo.newWriter(ChunkingProfile.FILES, ProgressListener.NONE)) {
                w.storeContent(new ByteArrayInputStream(data));
                StoredContent again = w.storeContent(new ByteArrayInputStream(data));
                assertThat(again.addedBytes()).isZero();
                w.flush();
            }
            try (BackupWriter w = repo.newWriter(ChunkingProfile.FILES, ProgressListener.NONE)) {
                assertThat(w.storeContent(new ByteArrayInputStream(data)).addedBytes()).isZero();
                w.flush();
                assertThat(w.blobsAdded()).isZero();
            }
        }
    }

    @Test
    void packsOfAnAbandonedWriterAreIndexedAlongTheWaySoTheNextRunReusesThem() throws Exception {
        InMemoryStorage storage = new InMemoryStorage();
        byte[] data = random(32 * 1024 * 1024, 9);
        try (Repository repo = init(storage, 1024 * 1024);
                BackupWriter abandoned = new BackupWriter(repo, ChunkingProfile.FILES, ProgressListener.NONE, 2)) {
            abandoned.storeContent(new ByteArrayInputStream(data));
            // No flush: the process dies here, and whatever was not indexed yet is lost.
        }
        assertThat(storage.list(ObjectKind.INDEX)).hasSizeGreaterThan(1);

        try (Repository rerun = Repository.open(storage, PASSWORD, client);
                BackupWriter w = rerun.newWriter(ChunkingProfile.FILES, ProgressListener.NONE)) {
            StoredContent again = w.storeContent(new ByteArrayInputStream(data));
            w.flush();
            assertThat(again.addedBytes()).isLessThan(data.length / 2);
            try (SnapshotReader r = rerun.reader(ProgressListener.NONE); InputStream in = r.openContent(again.blobs())) {
                assertThat(in.readAllBytes()).isEqualTo(data);
            }
        }
    }

    @Test
    void wrongPasswordIsRefusedWithItsOwnCode() {
        InMemoryStorage storage = new InMemoryStorage();
        init(storage, 16 * 1024 * 1024);
        assertThatThrownBy(() -> Repository.open(storage, "wrong".toCharArray(), client))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.WRONG_PASSWORD);
                    assertThat(e.hint()).contains("LIFEBOAT_PASSWORD");
                });
    }

    @Test
    void openingAnEmptyLocationSaysThereIsNoRepository() {
        assertThatThrownBy(() -> Repository.open(new InMemoryStorage(), PASSWORD, client))
                .isInstanceOfSatisfying(LifeboatException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.REPOSITORY_NOT_FOUND));
    }

    @Test
    void initRefusesAnExistingRepository() {
        InMemoryStorage storage = new InMemoryStorage();
        init(storage, 16 * 1024 * 1024);
        assertThatThrownBy(() -> init(storage, 16 * 1024 * 1024))
                .isInstanceOfSatisfying(LifeboatException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
    }

    @Test
    void snapshotRoundTripsWithTreeAndIsFoundByPrefixAndLatest() {
        InMemoryStorage storage = new InMemoryStorage();
        try (Repository repo = init(storage, 16 * 1024 * 1024)) {
            BlobId root;
            try (BackupWriter w = repo.newWriter(ChunkingProfile.DUMPS, ProgressListener.NONE)) {
                root = w.storeTree(new Tree(List.of(Node.stream("dump", 0, Instant.EPOCH, List.of()))));
                w.flush();
            }
            Snapshot s = new Snapshot(null, Instant.parse("2026-01-02T03:04:05.123456789Z"), "h", "u", "files", "/x",
                    List.of("/x"), List.of("a", "b"), null, root, Map.of("rows", 12), null, null, "test");
            var id = repo.saveSnapshot(s);
            Snapshot loaded = repo.findSnapshot(id.hex().substring(0, 8), Optional.empty());
            assertThat(loaded).isEqualTo(s.withId(id));
            assertThat(repo.findSnapshot("latest", Optional.of("files")).id()).isEqualTo(id);
            assertThat(repo.loadTree(loaded.root()).find("dump")).isPresent();
            assertThatThrownBy(() -> repo.findSnapshot("latest", Optional.of("postgres")))
                    .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        }
    }

    @Test
    void readingAFlippedByteFailsNamingThePack() throws Exception {
        InMemoryStorage storage = new InMemoryStorage();
        byte[] data = random(2 * 1024 * 1024, 9);
        StoredContent content;
        try (Repository repo = init(storage, 16 * 1024 * 1024);
                BackupWriter w = repo.newWriter(ChunkingProfile.FILES, ProgressListener.NONE)) {
            content = w.storeContent(new ByteArrayInputStream(data));
            w.flush();
        }
        ObjectInfo pack = storage.list(ObjectKind.DATA).get(0);
        byte[] bytes = storage.get(pack.handle());
        bytes[100] ^= 1;
        storage.put(pack.handle(), bytes);
        Repository repo = Repository.open(storage, PASSWORD, client);
        assertThatThrownBy(() -> {
            try (InputStream in = repo.reader(ProgressListener.NONE).openContent(content.blobs())) {
                in.readAllBytes();
            }
        }).isInstanceOfSatisfying(LifeboatException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.DAMAGED_DATA);
            assertThat(e.getMessage()).contains(pack.handle().name());
        });
    }

    @Test
    void indexFileRoundTripsAndRejectsGarbage() {
        InMemoryStorage storage = new InMemoryStorage();
        try (Repository repo = init(storage, 16 * 1024 * 1024)) {
            IndexFile empty = new IndexFile(Map.of(), List.of());
            String name = repo.saveIndex(empty);
            byte[] stored = storage.get(Handle.of(ObjectKind.INDEX, name));
            assertThat(IndexFile.open(repo.codec(), name, stored).blobCount()).isZero();
            stored[stored.length - 1] ^= 1;
            assertThatThrownBy(() -> IndexFile.open(repo.codec(), name, stored))
                    .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DAMAGED_DATA));
        }
    }
}
