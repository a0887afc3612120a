package io.lifeboat.storage.local;

import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A separate JVM for {@link CreateAcrossProcessesTest}: waits for a start file, creates
 * {@code locks/race-0 … race-(n-1)} with content naming itself, and prints the numbers it won.
 *
 * <p>Arguments: root, create method, object count, this process's name, start file.
 */
public final class CreateRaceProcess {
    private CreateRaceProcess() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        LocalStorage storage = new LocalStorage(LocalStorageConfig.of(root), Clock.systemUTC(),
                LocalStorage.CreateMethod.valueOf(args[1]));
        int count = Integer.parseInt(args[2]);
        String me = args[3];
        Path start = Path.of(args[4]);
        System.out.println("ready");
        System.out.flush();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Files.exists(start)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no start signal within 60 s");
            }
            Thread.onSpinWait();
        }
        StringBuilder won = new StringBuilder();
        for (int i = 0; i < count; i++) {
            if (storage.create(Handle.of(ObjectKind.LOCK, "race-" + i), (me + " " + i).getBytes(StandardCharsets.UTF_8))) {
                won.append(i).append('\n');
            }
        }
        System.out.print(won);
        System.out.flush();
    }
}
