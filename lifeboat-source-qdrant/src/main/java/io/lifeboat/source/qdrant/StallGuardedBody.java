package io.lifeboat.source.qdrant;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body as an {@link InputStream} whose reads fail when no byte arrived for
 * {@code stall}: downloads have no overall deadline, but a connection that hangs is detected.
 * At most {@link #WINDOW} buffer lists are requested ahead of the reader, so memory stays bounded
 * (the client delivers about 16 KiB per {@code onNext}) while the client's thread keeps reading
 * the socket: asking for one list at a time made every 16 KiB wait for a hand-over between the
 * two threads, which held a loopback download to a few dozen MiB/s. Reading is single-threaded;
 * the subscriber side may run on another thread.
 */
final class StallGuardedBody extends InputStream implements HttpResponse.BodySubscriber<InputStream> {
    private static final List<ByteBuffer> END = List.of();
    /** Buffer lists requested ahead: about 1 MiB with the client's 16 KiB buffers. */
    static final int WINDOW = 64;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final long stallNanos;
    private volatile Flow.Subscription subscription;
    private Iterator<ByteBuffer> current;
    private ByteBuffer buffer;
    private boolean ended;
    private boolean closed;

    StallGuardedBody(Duration stall) {
        this.stallNanos = stall.toNanos();
    }

    static HttpResponse.BodyHandler<InputStream> handler(Duration stall) {
        return info -> new StallGuardedBody(stall);
    }

    @Override
    public CompletionStage<InputStream> getBody() {
        return CompletableFuture.completedFuture(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(WINDOW);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        queue.add(item);
    }

    @Override
    public void onError(Throwable t) {
        queue.add(t);
    }

    @Override
    public void onComplete() {
        queue.add(END);
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
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, buffer.remaining());
        buffer.get(b, off, n);
        return n;
    }

    /** Makes {@code buffer} hold unread bytes; false at the end of the body. */
    private boolean fill() throws IOException {
        while (buffer == null || !buffer.hasRemaining()) {
            if (closed) {
                throw new IOException("response body closed");
            }
            if (ended) {
                return false;
            }
            if (current != null && current.hasNext()) {
                buffer = current.next();
                continue;
            }
            Object next;
            try {
                next = queue.poll(stallNanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancel();
                throw new java.io.InterruptedIOException("interrupted while reading from Qdrant");
            }
            if (next == null) {
                cancel();
                throw new StalledException("no data from the server for " + Duration.ofNanos(stallNanos).toSeconds()
                        + " s; the connection looks stalled");
            }
            if (next instanceof Throwable t) {
                ended = true;
                throw t instanceof IOException io ? io : new IOException(t.getMessage(), t);
            }
            @SuppressWarnings("unchecked")
            List<ByteBuffer> list = (List<ByteBuffer>) next;
            if (list == END) {
                ended = true;
                return false;
            }
            current = list.iterator();
            buffer = null;
            subscription.request(1);
        }
        return true;
    }

    private void cancel() {
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (!ended) {
                cancel();
            }
        }
    }

    /** A read that waited longer than the stall timeout: the connection is given up (and may be retried). */
    static final class StalledException extends IOException {
        private static final long serialVersionUID = 1L;

        StalledException(String message) {
            super(message);
        }
    }
}
