package io.lifeboat.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.source.ChunkingProfile;
import io.lifeboat.core.storage.ObjectInfo;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.core.tree.Node;
import io.lifeboat.core.tree.Tree;
import io.lifeboat.repository.crypto.KdfParams;
import io.lifeboat.repository.index.BlobLocation;
import io.lifeboat.testkit.storage.FaultInjectingStorage;
import io.lifeboat.testkit.storage.FaultInjectingStorage.Operation;
import io.lifeboat.testkit.storage.InMemoryStorage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Trees are read a pack at a time, and a damaged tree is still reported as damage, naming its pack. */
class TreePackCacheTest {
    private static final char[] PASSWORD = "correct horse".toCharArray();
    private final InMemoryStorage memory = new InMemoryStorage();
    private final FaultInjectingStorage storage = new FaultInjectingStorage(memory);

    private List<BlobId> storeTrees(int n) {
        List<BlobId> ids = new ArrayList<>();
        try (Repository repo = Repository.init(storage, PASSWORD, KdfParams.FAST, 16 * 1024 * 1024, ClientContext.system());
                BackupWriter w = repo.newWriter(ChunkingProfile.FILES, ProgressListener.NONE)) {
            for (int i = 0; i < n; i++) {
                ids.add(w.storeTree(tree(i)));
            }
            w.flush();
        }
        return ids;
    }

    private static Tree tree(int i) {
        return new Tree(List.of(Node.stream("file-" + i, i, Instant.EPOCH, List.of())));
    }

    @Test
    void aWalkOverManyTreesReadsTheirPackOnce() {
        List<BlobId> ids = storeTrees(60);
        Repository repo = Repository.open(storage, PASSWORD, ClientContext.system());
        assertThat(repo.index().size()).isEqualTo(60); // loads the index before counting
        int before = storage.calls(Operation.GET) + storage.calls(Operation.GET_RANGE);
        for (int i = 0; i < ids.size(); i++) {
            assertThat(repo.loadTree(ids.get(i))).isEqualTo(tree(i));
        }
        int reads = storage.calls(Operation.GET) + storage.calls(Operation.GET_RANGE) - before;
        assertThat(reads).as("storage reads for 60 trees in one pack").isEqualTo(1);
    }

    @Test
    void aDamagedTreeInACachedPackIsReportedNamingThePackAndTheOthersStillLoad() {
        List<BlobId> ids = storeTrees(10);
        Repository repo = Repository.open(storage, PASSWORD, ClientContext.system());
        BlobLocation loc = repo.index().lookup(ids.get(3)).orElseThrow();
        ObjectInfo pack = memory.list(ObjectKind.DATA).stream()
                .filter(o -> o.handle().name().equals(loc.pack().hex())).findFirst().orElseThrow();
        byte[] bytes = memory.get(pack.handle());
        bytes[loc.offset() + loc.length() / 2] ^= 1;
        memory.put(pack.handle(), bytes);

        assertThatThrownBy(() -> repo.loadTree(ids.get(3))).isInstanceOfSatisfying(LifeboatException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.DAMAGED_DATA);
            assertThat(e.getMessage()).contains("pack " + loc.pack().hex(), "blob " + ids.get(3).shortHex());
        });
        assertThat(repo.loadTree(ids.get(4))).isEqualTo(tree(4));
    }
}
