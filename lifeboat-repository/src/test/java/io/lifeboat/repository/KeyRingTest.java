package io.lifeboat.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.source.ChunkingProfile;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.repository.crypto.KdfParams;
import io.lifeboat.testkit.storage.InMemoryStorage;
import java.io.ByteArrayInputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Keys: several passwords for one master key, password changes that rewrite no data, and the last key kept. */
class KeyRingTest {
    private static final char[] FIRST = "first password".toCharArray();
    private static final char[] SECOND = "second password".toCharArray();
    private final ClientContext client = ClientContext.system();
    private final InMemoryStorage storage = new InMemoryStorage();

    private Repository open(char[] pw) {
        return Repository.open(storage, pw, client);
    }

    private static void assertWrongPassword(Runnable r) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(LifeboatException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.WRONG_PASSWORD));
    }

    private Map<String, byte[]> objectsOtherThanKeys() {
        Map<String, byte[]> out = new HashMap<>();
        for (ObjectKind k : ObjectKind.values()) {
            if (k != ObjectKind.KEY && k != ObjectKind.LOCK) {
                storage.list(k).forEach(o -> out.put(o.handle().path(), storage.get(o.handle())));
            }
        }
        return out;
    }

    @Test
    void anAddedKeyOpensTheSameRepositoryAndPasswordChangesRewriteNoData() throws Exception {
        byte[] data = new byte[3 << 20];
        new SplittableRandom(3).nextBytes(data);
        try (Repository repo = Repository.init(storage, FIRST, KdfParams.FAST, 1 << 20, client);
                BackupWriter w = repo.newWriter(ChunkingProfile.FILES, ProgressListener.NONE)) {
            w.storeContent(new ByteArrayInputStream(data));
            w.flush();
            repo.keys().add(SECOND, KdfParams.FAST);
        }
        String configId;
        try (Repository a = open(FIRST); Repository b = open(SECOND)) {
            assertThat(b.config()).isEqualTo(a.config());
            assertThat(b.index().size()).isEqualTo(a.index().size()).isPositive();
            assertThat(a.keys().list()).hasSize(2).filteredOn(KeyRing.KeyEntry::current).hasSize(1);
            configId = a.config().id();
        }
        Map<String, byte[]> before = objectsOtherThanKeys();
        char[] third = "third password".toCharArray();
        try (Repository a = open(FIRST)) {
            a.keys().changePassword(third, KdfParams.FAST);
        }
        assertThat(objectsOtherThanKeys()).as("a password change writes only a key file")
                .containsOnlyKeys(before.keySet())
                .allSatisfy((name, bytes) -> assertThat(bytes).isEqualTo(before.get(name)));
        assertWrongPassword(() -> open(FIRST));
        try (Repository c = open(third)) {
            assertThat(c.config().id()).isEqualTo(configId);
            assertThat(c.keys().list()).hasSize(2);
        }
    }

    @Test
    void theLastKeyAndTheKeyInUseAreNeverRemoved() {
        String first;
        try (Repository repo = Repository.init(storage, FIRST, KdfParams.FAST, 1 << 20, client)) {
            first = repo.keys().list().get(0).id();
            assertThatThrownBy(() -> repo.keys().remove(first)).isInstanceOfSatisfying(LifeboatException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.REFUSED);
                assertThat(e.getMessage()).contains("last key");
                assertThat(e.hint()).contains("lifeboat key add");
            });
            repo.keys().add(SECOND, KdfParams.FAST);
            assertThatThrownBy(() -> repo.keys().remove(first.substring(0, 8)))
                    .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.getMessage()).contains("this session was opened with"));
        }
        try (Repository second = open(SECOND)) {
            second.keys().remove(first.substring(0, 8));
            List<KeyRing.KeyEntry> left = second.keys().list();
            assertThat(left).singleElement().satisfies(k -> assertThat(k.current()).isTrue());
            assertThatThrownBy(() -> second.keys().remove(left.get(0).id()))
                    .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.getMessage()).contains("last key"));
        }
        assertWrongPassword(() -> open(FIRST));
    }
}
