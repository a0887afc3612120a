package io.lifeboat.storage.local;

import io.lifeboat.core.storage.*;
import io.lifeboat.testkit.storage.StorageContractTest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaceTmpTest extends StorageContractTest {
    @TempDir Path temp;
    protected Storage newStorage() { return new LocalStorage(LocalStorageConfig.of(temp.resolve("r"))); }

    @Test
    void measure() throws Exception {
        for (boolean fsync : new boolean[] {true, false}) {
            LocalStorage s = new LocalStorage(LocalStorageConfig.of(temp.resolve("m" + fsync)).withFsync(fsync));
            int bad = 0; long t0 = System.nanoTime();
            for (int round = 0; round < 100; round++) {
                Handle h = Handle.of(ObjectKind.LOCK, "r" + round);
                var created = concurrently(16, t -> s.create(h, content(1000, t)));
                if (created.stream().filter(b -> b).count() != 1) bad++;
            }
            System.out.println("fsync=" + fsync + " bad rounds " + bad + "/100 in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        }
    }
}
