package io.lifeboat.source.qdrant;

import io.lifeboat.core.error.LifeboatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * A snapshot download that survives broken connections: when a read fails, the download goes
 * on from the byte it stopped at with a {@code Range} request, up to the endpoint's attempts.
 * The stream ends only after exactly {@code size} bytes; an early end that cannot be resumed is
 * an {@link IOException}, so a partial snapshot never looks complete.
 */
final class ResumingDownload extends InputStream {
    private final QdrantClient client;
    private final String collection;
    private final String name;
    private final long size;
    private InputStream in;
    private long position;
    private int failures;
    private final int maxFailures;

    ResumingDownload(QdrantClient client, String collection, String name, long size) {
        this.client = client;
        this.collection = collection;
        this.name = name;
        this.size = size;
        this.maxFailures = client.endpoint().maxAttempts() - 1;
    }

    long position() {
        return position;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (true) {
            if (position >= size) {
                return -1;
            }
            try {
                if (in == null) {
                    in = client.download(collection, name, position);
                }
                int n = in.read(b, off, (int) Math.min(len, size - position));
                if (n < 0) {
                    throw new IOException("the download ended after " + position + " of " + size + " bytes");
                }
                position += n;
                return n;
            } catch (InterruptedIOException e) {
                throw e;
            } catch (IOException e) {
                closeQuietly();
                if (++failures > maxFailures) {
                    throw new IOException("downloading snapshot " + name + " failed at byte " + position + " of " + size
                            + " after " + failures + " attempts: " + e.getMessage(), e);
                }
            } catch (LifeboatException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
    }

    private void closeQuietly() {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // the connection is already broken
            }
            in = null;
        }
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
