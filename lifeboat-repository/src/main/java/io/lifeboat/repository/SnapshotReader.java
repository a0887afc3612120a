package io.lifeboat.repository;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.source.RestoreReader;
import io.lifeboat.core.tree.Tree;
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
 * pack (a stream's blobs are mostly stored one after another) are fetched in one ranged read of
 * up to {@value #SPAN_MAX} bytes, skipping gaps of at most {@value #GAP_MAX} bytes: a 16 KiB blob
 * of a PostgreSQL dump no longer costs a request of its own, which on S3 is a round trip.
 */
public final class SnapshotReader implements RestoreReader, AutoCloseable {
    /** Runs fetched ahead of the one being read. */
    private static final int READ_AHEAD = 4;
    static final int SPAN_MAX = 2 * 1024 * 1024;
    static final int GAP_MAX = 64 * 1024;

    private final Repository repo;
    private final ProgressListener progress;
    private final ExecutorService fetchers = Executors.newVirtualThreadPerTaskExecutor();

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

    /** One blob of a run: its decoded bytes, or the failure to report when the stream reaches it. */
    private record Decoded(byte[] plain, RuntimeException failure) {}

    /**
     * Blobs {@code [from, to)} of {@code ids}, neighbours in one pack: fetched in one read and
     * decoded one by one, so that a damaged blob fails at its own position in the stream.
     */
    private List<Decoded> fetchRun(List<BlobId> ids, List<BlobLocation> locations) {
        BlobLocation first = locations.getFirst();
        BlobLocation last = locations.getLast();
        List<Decoded> out = new ArrayList<>(ids.size());
        if (ids.size() == 1) {
            try {
                out.add(new Decoded(repo.readBlob(ids.getFirst()), null));
            } catch (RuntimeException e) {
                out.add(new Decoded(null, e));
            }
            return out;
        }
        byte[] span = repo.readSpan(first.pack(), first.offset(), last.offset() + last.length() - first.offset());
        for (int i = 0; i < ids.size(); i++) {
            try {
                out.add(new Decoded(repo.decodeAt(ids.get(i), locations.get(i), span,
                        locations.get(i).offset() - first.offset()), null));
            } catch (RuntimeException e) {
                out.add(new Decoded(null, e));
            }
        }
        return out;
    }

    private final class ContentStream extends InputStream {
        private final List<BlobId> blobs;
        private final Deque<CompletableFuture<List<Decoded>>> ahead = new ArrayDeque<>();
        private final Deque<Decoded> ready = new ArrayDeque<>();
        private int next;
        private byte[] current = new byte[0];
        private int pos;

        ContentStream(List<BlobId> blobs) {
            this.blobs = blobs;
        }

        /** Schedules the next run: the following blobs while they continue the same pack closely. */
        private void scheduleRun() {
            List<BlobId> ids = new ArrayList<>();
            List<BlobLocation> locations = new ArrayList<>();
            BlobId id = blobs.get(next);
            BlobLocation loc;
            try {
                loc = repo.locate(id);
            } catch (RuntimeException e) {
                next++;
                ahead.add(CompletableFuture.completedFuture(List.of(new Decoded(null, e))));
                return;
            }
            ids.add(id);
            locations.add(loc);
            next++;
            while (next < blobs.size()) {
                BlobLocation prev = locations.getLast();
                BlobLocation candidate = repo.index().lookup(blobs.get(next)).orElse(null);
                if (candidate == null || !candidate.pack().equals(prev.pack())) {
                    break;
                }
                long gap = (long) candidate.offset() - (prev.offset() + (long) prev.length());
                long span = (long) candidate.offset() + candidate.length() - locations.getFirst().offset();
                if (gap < 0 || gap > GAP_MAX || span > SPAN_MAX) {
                    break;
                }
                ids.add(blobs.get(next++));
                locations.add(candidate);
            }
            ahead.add(CompletableFuture.supplyAsync(() -> fetchRun(ids, locations), fetchers));
        }

        private boolean fill() throws IOException {
            while (pos >= current.length) {
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
                        throw failure(e.getCause());
                    }
                }
                Decoded d = ready.poll();
                if (d.failure() != null) {
                    throw failure(d.failure());
                }
                current = d.plain();
                pos = 0;
            }
            return true;
        }

        private IOException failure(Throwable cause) {
            if (cause instanceof LifeboatException le) {
                throw new LifeboatException(le.code(), le.getMessage(), le.hint(), le, le.retryable());
            }
            return new IOException(cause);
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
            int n = Math.min(len, current.length - pos);
            System.arraycopy(current, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public void close() {
            ahead.forEach(f -> f.cancel(true));
            ahead.clear();
            ready.clear();
        }
    }
}
