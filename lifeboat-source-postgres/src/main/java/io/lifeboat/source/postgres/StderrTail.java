package io.lifeboat.source.postgres;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Drains a child's stderr on a virtual thread (so the child never blocks on a full pipe) and
 * keeps its first lines, bounded, for error messages.
 */
final class StderrTail {
    private static final int MAX_BYTES = 64 * 1024;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final CountDownLatch done = new CountDownLatch(1);

    private StderrTail(InputStream in) {
        Thread.ofVirtual().name("stderr").start(() -> {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    synchronized (kept) {
                        int room = MAX_BYTES - kept.size();
                        kept.write(buf, 0, Math.max(0, Math.min(room, n)));
                    }
                }
            } catch (IOException e) {
                // The child is gone; what we kept is all there is.
            } finally {
                done.countDown();
            }
        });
    }

    static StderrTail of(Process p) {
        return new StderrTail(p.getErrorStream());
    }

    /** The lines read so far (all of them once the child has exited and the pipe is drained). */
    List<String> lines() {
        try {
            done.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String s;
        synchronized (kept) {
            s = kept.toString(StandardCharsets.UTF_8);
        }
        List<String> out = new ArrayList<>();
        for (String line : s.split("\n")) {
            if (!line.isBlank()) {
                out.add(line.strip());
            }
        }
        return out;
    }
}
