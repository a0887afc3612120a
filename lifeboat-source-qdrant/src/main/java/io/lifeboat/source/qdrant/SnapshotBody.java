package io.lifeboat.source.qdrant;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;

/**
 * The body of one snapshot download on an {@link HttpURLConnection}, read straight from the
 * socket into the caller's buffer: the JDK {@link java.net.http.HttpClient} hands a body over
 * in 16 KiB buffers through a queue between its thread and the reader, which cost about twice
 * the CPU per byte on loopback and held large downloads well below the socket's speed.
 *
 * <p>A read that waits longer than the connection's read timeout (the endpoint's stall timeout)
 * fails with {@link StalledException}, an {@link IOException} that {@link ResumingDownload}
 * retries, not the {@link java.io.InterruptedIOException} the socket throws. There is no
 * overall deadline. Closing before the end drops the connection rather than draining it. A
 * blocked read is not interrupted by {@link Thread#interrupt()}: it returns with the next bytes
 * or fails after the stall timeout. One reader at a time.
 */
final class SnapshotBody extends InputStream {
    private final HttpURLConnection connection;
    private final InputStream in;
    private final long length;
    private long read;
    private boolean closed;

    /** @param length the body's length from the answer's headers, or -1 when unknown */
    SnapshotBody(HttpURLConnection connection, InputStream in, long length) {
        this.connection = connection;
        this.in = in;
        this.length = length;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("response body closed");
        }
        if (len == 0) {
            return 0;
        }
        int n;
        try {
            n = in.read(b, off, len);
        } catch (SocketTimeoutException e) {
            throw stalled("no data from the server", connection.getReadTimeout(), e);
        }
        if (n > 0) {
            read += n;
        }
        return n;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (length >= 0 && read >= length) {
            try {
                in.close(); // the whole body was read: the connection may serve the next request
            } catch (IOException e) {
                connection.disconnect();
            }
        } else {
            connection.disconnect();
        }
    }

    /** {@code what} for {@code ms} milliseconds, e.g. "no data from the server for 2 min; the connection looks stalled". */
    static StalledException stalled(String what, int ms, SocketTimeoutException cause) {
        String time = ms % 60_000 == 0 ? ms / 60_000 + " min" : ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
        return new StalledException(what + " for " + time + "; the connection looks stalled", cause);
    }

    /** A read that waited longer than the stall timeout: the connection is given up (and may be retried). */
    static final class StalledException extends IOException {
        private static final long serialVersionUID = 1L;

        StalledException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
