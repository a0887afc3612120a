package io.lifeboat.source.files;

import io.lifeboat.core.progress.Progress;
import io.lifeboat.core.progress.ProgressListener;
import java.time.Clock;

/**
 * Forwards at most one progress sample per interval, so a walk over a million small files or a
 * read loop over a large one can report on every step without flooding the listener. Samples are
 * only built when they are sent. Used by one thread at a time.
 */
final class ProgressThrottle {
    static final long INTERVAL_MILLIS = 100;

    private final ProgressListener listener;
    private final Clock clock;
    private final String phase;
    private long lastSent = Long.MIN_VALUE;

    ProgressThrottle(ProgressListener listener, Clock clock, String phase) {
        this.listener = listener;
        this.clock = clock;
        this.phase = phase;
    }

    /** Sends a sample if the last one is at least {@link #INTERVAL_MILLIS} old. */
    void offer(long itemsDone, long bytesDone, Object current) {
        long now = clock.millis();
        if (lastSent == Long.MIN_VALUE || now - lastSent >= INTERVAL_MILLIS) {
            lastSent = now;
            send(itemsDone, bytesDone, current);
        }
    }

    /** Sends the final sample unconditionally. */
    void finish(long itemsDone, long bytesDone) {
        lastSent = clock.millis();
        send(itemsDone, bytesDone, null);
    }

    private void send(long itemsDone, long bytesDone, Object current) {
        listener.onProgress(new Progress(phase, itemsDone, -1, bytesDone, -1, current == null ? null : current.toString()));
    }
}
