package io.lifeboat.repository;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.source.RestoreReader;
import io.lifeboat.core.tree.Tree;
import io.lifeboat.repository.buffer.ArrayPool;
import io.lifeboat.repository.crypto.BlobCodec;
import io.lifeboat.repository.index.BlobLocation;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Reads snapshot content back. Content streams fetch and decode ahead on virtual threads, so
 * storage latency and decryption overlap with the caller's writing. Neighbouring blobs of one
 * pack (a stream's blobs are stored close together, in the order the encoders finished them) are
 * fetched in one ranged read of up to {@value #SPAN_MAX} bytes holding at most {@value #GAP_MAX}
 * bytes of other blobs: a 16 KiB blob of a PostgreSQL dump no longer costs a request of its own,
 * which on S3 is a round trip. Ranges and decoded blobs live in pooled arrays, given back once
 * decoded and read: a restore of the 2 GiB bench tree allocated 4.4 GB of arrays without them.
 */
public final class SnapshotReader implements RestoreReader, AutoCloseable {
    /** Runs fetched ahead of the one being read. */
    private static final int READ_AHEAD = 4;
    static final int SPAN_MAX = 2 * 1024 * 1024;
    static final int GAP_MAX = 256 * 1024;

    private final Repository repo;
    private final ProgressListener progress;
    private final ExecutorService fetchers = Executors.newVirtualThreadPerTaskExecutor();
    /** The decoded blobs' arrays, given back once a stream has read them. */
    private final ArrayPool buffers = new ArrayPool(Math.min(BackupWriter.POOL_BUDGET, Runtime.getRuntime().maxMemory() / 16));

    SnapshotReader(Repository repo, ProgressListener progress) {
        this.repo = repo;
        this.progress = progress;
    }

    @Override
    public Tree loadTree(BlobId id) {
        return repo.loadTree(id);
    }

    @Override
    public InputStream openContent(List<BlobId> blobs) {
        return new ContentStream(blobs);
    }

    @Override
    public ProgressListener progress() {
        return progress;
    }

    @Override
    public void close() {
        fetchers.shutdownNow();
    }

    /** One blob of a run: its decoded bytes ({@code plain[0, length)}), or the failure to report when the stream reaches it. */
    private record Decoded(byte[] plain, int length, RuntimeException failure) {
        static Decoded failed(RuntimeException e) {
            return new Decoded(null, 0, e);
        }
    }

    /**
     * A run of blobs of one pack, all within {@code [from, from + length)}: fetched in one read and
     * decoded one by one, so that a damaged blob fails at its own position in the stream.
     */
    private List<Decoded> fetchRun(List<BlobId> ids, List<BlobLocation> locations, long from, int length) {
        List<Decoded> out = new ArrayList<>(ids.size());
        byte[] span = buffers.take(length);
        try {
            try {
                repo.readSpan(locations.getFirst().pack(), from, length, span);
            } catch (RuntimeException e) {
                // The read failed for every blob of the run; the stream reports it at the first.
                out.add(Decoded.failed(e));
                return out;
            }
            for (int i = 0; i < ids.size(); i++) {
                try {
                    BlobCodec.Plain plain = repo.decodeAt(ids.get(i), locations.get(i), span,
                            (int) (locations.get(i).offset() - from), buffers);
                    out.add(new Decoded(plain.array(), plain.length(), null));
                } catch (RuntimeException e) {
                    out.add(Decoded.failed(e));
                }
            }
            return out;
        } finally {
            buffers.give(span);
        }
    }

    private final class ContentStream extends InputStream {
        private final List<BlobId> blobs;
        private final Deque<CompletableFuture<List<Decoded>>> ahead = new ArrayDeque<>();
        private final Deque<Decoded> ready = new ArrayDeque<>();
        private int next;
        private byte[] current = new byte[0];
        private int limit;
        private int pos;

        ContentStream(List<BlobId> blobs) {
            this.blobs = blobs;
        }

        /**
         * Schedules the next run: the following blobs while they are in the same pack and, with
         * those before them, fit a window of {@link #SPAN_MAX} bytes that holds at most
         * {@link #GAP_MAX} bytes of other blobs. Encoders finish blobs in any order, so a run's
         * blobs need not follow each other in the pack.
         */
        private void scheduleRun() {
            List<BlobId> ids = new ArrayList<>();
            List<BlobLocation> locations = new ArrayList<>();
            BlobId id = blobs.get(next);
            BlobLocation loc;
            try {
                loc = repo.locate(id);
            } catch (RuntimeException e) {
                next++;
                ahead.add(CompletableFuture.completedFuture(List.of(Decoded.failed(e))));
                return;
            }
            ids.add(id);
            locations.add(loc);
            next++;
            long lo = loc.offset();
            long hi = (long) loc.offset() + loc.length();
            long bytes = loc.length();
            while (next < blobs.size()) {
                BlobLocation candidate = repo.index().lookup(blobs.get(next)).orElse(null);
                if (candidate == null || !candidate.pack().equals(loc.pack())) {
                    break;
                }
                long newLo = Math.min(lo, candidate.offset());
                long newHi = Math.max(hi, (long) candidate.offset() + candidate.length());
                long newBytes = bytes + candidate.length();
                if (newHi - newLo > SPAN_MAX || newHi - newLo - newBytes > GAP_MAX) {
                    break;
                }
                lo = newLo;
                hi = newHi;
                bytes = newBytes;
                ids.add(blobs.get(next++));
                locations.add(candidate);
            }
            long from = lo;
            int length = (int) (hi - lo);
            ahead.add(CompletableFuture.supplyAsync(() -> fetchRun(ids, locations, from, length), fetchers));
        }

        private boolean fill() throws IOException {
            while (pos >= limit) {
                while (ahead.size() < READ_AHEAD && next < blobs.size()) {
                    scheduleRun();
                }
                if (ready.isEmpty()) {
                    CompletableFuture<List<Decoded>> f = ahead.poll();
                    if (f == null) {
                        return false;
                    }
                    try {
                        ready.addAll(f.get());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new LifeboatException(ErrorCode.INTERRUPTED, "restore interrupted", null, e);
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof LifeboatException le) {
                            throw rethrown(le);
                        }
                        throw new IOException(e.getCause());
                    }
                }
                Decoded d = ready.poll();
                if (d.failure() instanceof LifeboatException le) {
                    throw rethrown(le);
                }
                if (d.failure() != null) {
                    throw new IOException(d.failure());
                }
                buffers.give(current);
                current = d.plain();
                limit = d.length();
                pos = 0;
            }
            return true;
        }

        /**
         * A fetcher's failure, to throw again in the reading thread: same code, message, hint and
         * retryability, with the original (and the thread it failed in) as the cause.
         */
        private static LifeboatException rethrown(LifeboatException le) {
            return new LifeboatException(le.code(), le.getMessage(), le.hint(), le, le.retryable());
        }

        @Override
        public int read() throws IOException {
            if (!fill()) {
                return -1;
            }
            return current[pos++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, limit - pos);
            System.arraycopy(current, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public void close() {
            ahead.forEach(f -> f.cancel(true));
            ahead.clear();
            for (Decoded d : ready) {
                if (d.plain() != null) {
                    buffers.give(d.plain());
                }
            }
            ready.clear();
            buffers.give(current);
            current = new byte[0];
            limit = 0;
            pos = 0;
        }
    }
}
