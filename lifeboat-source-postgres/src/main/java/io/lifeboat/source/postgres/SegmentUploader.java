package io.lifeboat.source.postgres;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.source.postgres.physical.WalSink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;

/**
 * Stores the receiver's complete segments on {@link #THREADS} background threads, so that sealing
 * (zstd, the bulk of the work) and writing segments overlaps with receiving the next ones. At most
 * {@link #DEPTH} segments wait (bounded memory). Two segments may be stored out of order, but they
 * are reported done strictly in the order they were handed over, and the receiver acknowledges a
 * segment to the server only after {@link #done()} returned it and every one before it.
 * Thread safety: {@link #submit}, {@link #done}, {@link #pending} and {@link #close} are called by
 * the receiving thread only.
 */
final class SegmentUploader implements AutoCloseable {
    static final int DEPTH = 2;
    static final int THREADS = 2;

    /** A segment durable in the repository; {@code stored} is false when an identical one was there. */
    record Done(String segment, boolean stored, long end) {}

    private record Job(long seq, String segment, byte[] content, long end) {}

    private static final Job STOP = new Job(-1, null, null, 0);

    private final WalSink sink;
    private final String systemId;
    private final BlockingQueue<Job> queue = new ArrayBlockingQueue<>(DEPTH);
    private final ConcurrentSkipListMap<Long, Done> done = new ConcurrentSkipListMap<>();
    private final List<Thread> workers = new ArrayList<>();
    private long submitted;
    private long returned;
    private volatile RuntimeException failure;
    private int pending;

    SegmentUploader(WalSink sink, String systemId) {
        this.sink = sink;
        this.systemId = systemId;
        for (int i = 0; i < THREADS; i++) {
            workers.add(Thread.ofPlatform().daemon().name("wal-segment-store-" + i).start(this::work));
        }
    }

    /** Hands over a complete segment; waits while {@link #DEPTH} segments are waiting already. */
    void submit(String segment, byte[] content, long end) {
        check();
        try {
            while (!queue.offer(new Job(submitted, segment, content, end), 1, TimeUnit.SECONDS)) {
                check();
            }
            submitted++;
            pending++;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifeboatException(ErrorCode.INTERRUPTED, "interrupted while storing WAL segment " + segment, null, e);
        }
    }

    /** Segments stored since the last call, in order; rethrows a failed store. */
    List<Done> done() {
        List<Done> out = new ArrayList<>();
        Done d;
        while ((d = done.remove(returned)) != null) {
            out.add(d);
            returned++;
            pending--;
        }
        check();
        return out;
    }

    /** Segments handed over and not yet returned by {@link #done()}. */
    int pending() {
        return pending;
    }

    /** Waits until every segment handed over is stored, and returns them. */
    List<Done> drain() {
        List<Done> out = new ArrayList<>();
        while (true) {
            out.addAll(done());
            if (pending == 0) {
                return out;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LifeboatException(ErrorCode.INTERRUPTED, "interrupted while storing WAL", null, e);
            }
        }
    }

    private void check() {
        RuntimeException f = failure;
        if (f != null) {
            throw f;
        }
    }

    private void work() {
        try {
            while (true) {
                Job j = queue.take();
                if (j == STOP) {
                    queue.offer(STOP);
                    return;
                }
                boolean stored = sink.store(systemId, j.segment(), j.content());
                sink.removeStreaming(systemId, j.segment());
                done.put(j.seq(), new Done(j.segment(), stored, j.end()));
            }
        } catch (RuntimeException e) {
            failure = e;
        } catch (InterruptedException e) {
            // Closed while waiting for work.
        }
    }

    /**
     * Lets the stores in progress finish and stops the threads; segments still waiting are dropped
     * (never acknowledged, so the slot keeps them for the next run).
     */
    @Override
    public void close() {
        queue.clear();
        queue.offer(STOP);
        try {
            for (Thread w : workers) {
                w.join(TimeUnit.SECONDS.toMillis(60));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.forEach(Thread::interrupt);
    }
}
