package io.lifeboat.source.postgres;

import io.lifeboat.core.progress.Progress;
import io.lifeboat.core.progress.ProgressListener;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the bytes read through it and reports them every 256 KiB (the listener throttles drawing).
 * Streams read concurrently (the parts of a parallel dump or restore) may share one total, so the
 * progress shown is of the whole dump.
 */
final class ProgressStream extends FilterInputStream {
    private static final long EVERY = 256 * 1024;
    private final ProgressListener listener;
    private final String phase;
    private final String current;
    private final AtomicLong total;
    private long bytes;

    ProgressStream(InputStream in, ProgressListener listener, String phase, String current) {
        this(in, listener, phase, current, new AtomicLong());
    }

    ProgressStream(InputStream in, ProgressListener listener, String phase, String current, AtomicLong total) {
        super(in);
        this.listener = listener;
        this.phase = phase;
        this.current = current;
        this.total = total;
    }

    long bytes() {
        return bytes;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            advance(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n > 0) {
            advance(n);
        }
        return n;
    }

    private void advance(long n) {
        bytes += n;
        long after = total.addAndGet(n);
        if (after / EVERY != (after - n) / EVERY) {
            listener.onProgress(new Progress(phase, 0, -1, after, -1, current));
        }
    }
}
