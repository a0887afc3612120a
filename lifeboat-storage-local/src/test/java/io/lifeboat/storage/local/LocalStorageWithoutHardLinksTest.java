package io.lifeboat.storage.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.core.storage.Storage;
import io.lifeboat.testkit.storage.StorageContractTest;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fallback for file systems that refuse hard links keeps the whole contract too. */
class LocalStorageWithoutHardLinksTest extends StorageContractTest {
    @TempDir
    Path temp;

    @Override
    protected Storage newStorage() {
        return new LocalStorage(LocalStorageConfig.of(temp.resolve("repo")), Clock.systemUTC(),
                LocalStorage.CreateMethod.LOCKED_RENAME);
    }

    @Test
    void createsUnderTheLockAndNeverListsTheLockFile() {
        Handle lock = Handle.of(ObjectKind.LOCK, "l");
        assertThat(storage().create(lock, content(10, 1))).isTrue();
        assertThat(storage().create(lock, content(10, 2))).isFalse();

        assertThat(temp.resolve("repo").resolve(LocalStorage.CREATE_LOCK)).exists();
        assertThat(((LocalStorage) storage()).createMethod()).isEqualTo(LocalStorage.CreateMethod.LOCKED_RENAME);
        for (ObjectKind kind : ObjectKind.values()) {
            assertThat(storage().list(kind)).hasSize(kind == ObjectKind.LOCK ? 1 : 0);
        }
    }

    @Test
    void twoInstancesOnOneRootInOneProcessExcludeEachOther() throws Exception {
        LocalStorage other = new LocalStorage(LocalStorageConfig.of(temp.resolve("repo")), Clock.systemUTC(),
                LocalStorage.CreateMethod.LOCKED_RENAME);
        for (int round = 0; round < 10; round++) {
            Handle handle = Handle.of(ObjectKind.LOCK, "race-" + round);
            var created = concurrently(8, t -> (t % 2 == 0 ? storage() : other).create(handle, content(10, t)));
            assertThat(created).containsOnlyOnce(true);
        }
    }
}
