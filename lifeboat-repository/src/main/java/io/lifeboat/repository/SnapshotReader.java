package io.lifeboat.repository;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.source.RestoreReader;
import io.lifeboat.core.tree.Tree;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Reads snapshot content back. Content streams fetch and decode a few blobs ahead on virtual
 * threads, so storage latency and decryption overlap with the caller's writing.
 */
public final class SnapshotReader implements RestoreReader, AutoCloseable {
    private static final int READ_AHEAD = 4;

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

    private final class ContentStream extends InputStream {
        private final List<BlobId> blobs;
        private final Deque<CompletableFuture<byte[]>> ahead = new ArrayDeque<>();
        private int next;
        private byte[] current = new byte[0];
        private int pos;

        ContentStream(List<BlobId> blobs) {
            this.blobs = blobs;
        }

        private boolean fill() throws IOException {
            while (pos >= current.length) {
                while (ahead.size() < READ_AHEAD && next < blobs.size()) {
                    BlobId id = blobs.get(next++);
                    ahead.add(CompletableFuture.supplyAsync(() -> repo.readBlob(id), fetchers));
                }
                CompletableFuture<byte[]> f = ahead.poll();
                if (f == null) {
                    return false;
                }
                try {
                    current = f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LifeboatException(ErrorCode.INTERRUPTED, "restore interrupted", null, e);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof LifeboatException le) {
                        throw new LifeboatException(le.code(), le.getMessage(), le.hint(), le, le.retryable());
                    }
                    throw new IOException(e.getCause());
                }
                pos = 0;
            }
            return true;
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
        }
    }
}
