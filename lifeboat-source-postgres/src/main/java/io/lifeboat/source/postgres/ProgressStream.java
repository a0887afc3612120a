package io.lifeboat.source.postgres;

import io.lifeboat.core.progress.Progress;
import io.lifeboat.core.progress.ProgressListener;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Counts the bytes read through it and reports them every 256 KiB (the listener throttles drawing). */
final class ProgressStream extends FilterInputStream {
    private static final long EVERY = 256 * 1024;
    private final ProgressListener listener;
    private final String phase;
    private final String current;
    private long bytes;
    private long lastReported;

    ProgressStream(InputStream in, ProgressListener listener, String phase, String current) {
        super(in);
        this.listener = listener;
        this.phase = phase;
        this.current = current;
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
        if (bytes - lastReported >= EVERY) {
            lastReported = bytes;
            listener.onProgress(new Progress(phase, 0, -1, bytes, -1, current));
        }
    }
}
