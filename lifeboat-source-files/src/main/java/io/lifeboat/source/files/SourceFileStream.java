package io.lifeboat.source.files;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/**
 * A file being backed up, as handed to the sink. It counts the bytes read and remembers whether
 * a read failed, so that the caller can tell a failing file (a warning, the backup goes on) from a
 * failing repository (the backup stops) when {@code storeContent} throws.
 */
final class SourceFileStream extends FilterInputStream {
    private final LongConsumer onRead;
    private long bytesRead;
    private IOException failure;

    /** {@code onRead} receives the number of bytes of each successful read. */
    SourceFileStream(InputStream in, LongConsumer onRead) {
        super(in);
        this.onRead = onRead;
    }

    @Override
    public int read() throws IOException {
        int b = guarded(() -> super.read());
        if (b >= 0) {
            counted(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = guarded(() -> super.read(buf, off, len));
        if (n > 0) {
            counted(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipped bytes would be missing from the stored content; the sink has no reason to skip.
        throw new IOException("skip is not supported on a file being backed up");
    }

    long bytesRead() {
        return bytesRead;
    }

    /** The read error of the file itself, or {@code null}. */
    IOException failure() {
        return failure;
    }

    private void counted(int n) {
        bytesRead += n;
        onRead.accept(n);
    }

    private interface Read {
        int run() throws IOException;
    }

    private int guarded(Read read) throws IOException {
        try {
            return read.run();
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }
}
