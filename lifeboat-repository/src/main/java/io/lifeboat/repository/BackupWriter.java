package io.lifeboat.repository;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.id.PackId;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.source.BackupSink;
import io.lifeboat.core.source.ChunkingProfile;
import io.lifeboat.core.source.StoredContent;
import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.core.tree.Tree;
import io.lifeboat.repository.buffer.ArrayPool;
import io.lifeboat.repository.chunk.ChunkStream;
import io.lifeboat.repository.chunk.ChunkStream.PooledChunk;
import io.lifeboat.repository.chunk.Chunker;
import io.lifeboat.repository.crypto.BlobCodec;
import io.lifeboat.repository.crypto.BlobCodec.Encoded;
import io.lifeboat.repository.index.IndexFile;
import io.lifeboat.repository.pack.BlobType;
import io.lifeboat.repository.pack.PackBuffers;
import io.lifeboat.repository.pack.PackEntry;
import io.lifeboat.repository.pack.PackWriter;
import io.lifeboat.repository.pack.PackWriter.FinishedPack;
import io.lifeboat.repository.snapshot.TreeCodec;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One backup session's write path: (read-ahead thread) read → (caller) chunk → (encoders) id,
 * dedup, compress (at a level that {@link CompressionPace} lowers while the encoders are the
 * bottleneck), encrypt, verify →
 * pack → (uploaders, as many as {@link io.lifeboat.core.storage.Storage#preferredConcurrentWrites}
 * says) storage. Memory is bounded by the number of chunks in flight and of packs queued for
 * upload. Nothing written here is referenced until {@link #flush()} has written the
 * index, and nothing is visible to restores until the caller commits a snapshot.
 *
 * <p>The index is also written while the backup runs, every {@link #INDEX_EVERY_PACKS} packs or
 * {@link #INDEX_EVERY_NANOS} (whichever comes first): a backup that is killed then leaves packs
 * the index knows, so the next run reuses them instead of uploading them again. Such blobs are
 * indexed but referenced by no snapshot until a backup that uses them commits; prune removes
 * them otherwise.
 *
 * <p>Every blob is decoded again right after it is encoded (authenticate, decompress, compare
 * with the plaintext its id was computed from: {@link io.lifeboat.repository.crypto.BlobCodec#verify}),
 * so a fault in compression, encryption or memory never produces a blob that will not restore.
 */
public final class BackupWriter implements BackupSink, AutoCloseable {
    /** 64 packs of 16 MiB: at most about 1 GiB is uploaded again after a killed backup. */
    static final int INDEX_EVERY_PACKS = 64;
    static final long INDEX_EVERY_NANOS = 120L * 1_000_000_000L;
    /** Bytes of input read ahead of the chunker. */
    static final int READ_AHEAD = 8 * 1024 * 1024;
    /**
     * Bytes of buffers kept for reuse (the chunker's, the chunks', the encoded blobs' until their
     * pack is assembled), at most a sixteenth of the heap.
     */
    static final long POOL_BUDGET = 96L * 1024 * 1024;

    private final Repository repo;
    private final Chunker chunker;
    private final ProgressListener progress;
    private final int packSize;
    private final int indexEveryPacks;
    private long lastIndexNanos = System.nanoTime();
    private final Set<BlobId> pending = ConcurrentHashMap.newKeySet();
    private final ExecutorService encoders;
    private final ExecutorService uploader;
    private final Semaphore chunksInFlight;
    private final int chunkPermits;
    private final CompressionPace pace;
    private final ArrayPool buffers = new ArrayPool(Math.min(POOL_BUDGET, Runtime.getRuntime().maxMemory() / 16));
    /** Arrays the packs are assembled and uploaded from; set up with the uploaders. */
    private final PackBuffers packBuffers;
    /** Packs finished but not yet stored: the uploads running plus one waiting per uploader. */
    private final Semaphore packsQueued;
    private final List<Future<?>> uploads = new ArrayList<>();
    private final Map<PackId, List<PackEntry>> unindexed = new LinkedHashMap<>();
    private final List<String> indexFiles = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong blobsAdded = new AtomicLong();
    private final AtomicLong bytesAdded = new AtomicLong();
    private final AtomicLong storedBytesAdded = new AtomicLong();
    private PackWriter dataPack = new PackWriter(buffers);
    private PackWriter treePack = new PackWriter(buffers);

    BackupWriter(Repository repo, ChunkingProfile chunking, ProgressListener progress, int indexEveryPacks) {
        this.repo = repo;
        this.indexEveryPacks = indexEveryPacks;
        this.chunker = new Chunker(repo.chunkerSeed(), chunking);
        this.progress = progress;
        this.packSize = repo.config().packSize();
        int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
        this.chunkPermits = cores * 2;
        this.chunksInFlight = new Semaphore(chunkPermits);
        this.pace = new CompressionPace(chunking.zstdLevel(), chunkPermits);
        this.encoders = Executors.newFixedThreadPool(cores, Thread.ofPlatform().daemon().name("encode-", 0).factory());
        int uploaders = Math.max(1, repo.storage().preferredConcurrentWrites());
        // Two per uploader, fewer where the heap is small: a queued pack holds 16 MiB or more, and
        // with 160 MiB of heap four of them left no room for the next (a 10 GiB file then needed
        // 192 MiB instead of the 160 MiB it had needed before packs were pooled).
        int packCapacity = packSize + packSize / 16;
        long affordable = Runtime.getRuntime().maxMemory() / 6 / Math.max(1, packCapacity);
        int queued = (int) Math.max(1, Math.min(2L * uploaders, affordable));
        this.packsQueued = new Semaphore(queued);
        // Room for a pack's last blob beyond the pack size (a larger pack gets an array of its own
        // size). It keeps as many arrays as can be in use at once (a pack is assembled only once
        // it may be queued), which the backup holds at its peak anyway.
        this.packBuffers = new PackBuffers(packCapacity, queued);
        this.uploader = Executors.newFixedThreadPool(uploaders, Thread.ofPlatform().daemon().name("upload-", 0).factory());
    }

    /**
     * Chunks {@code in} on the calling thread, which reads it through a {@link ReadAhead}, and
     * hands each chunk to the encoders. An encoder computes the chunk's id (the HMAC, so that it
     * runs on every core rather than only on the thread that chunks), reports it at once, and then
     * skips the chunk when it is stored already or encodes it. Ids come back in stream order; the
     * call returns once every id is known, while the last chunks may still be encoding. At most
     * {@link #chunkPermits} chunks are in flight.
     */
    @Override
    public StoredContent storeContent(InputStream in) throws IOException {
        List<BlobId> ids = new ArrayList<>();
        ArrayDeque<CompletableFuture<ChunkId>> unknown = new ArrayDeque<>();
        long size = 0;
        long added = 0;
        try (ChunkStream chunks = chunker.open(new ReadAhead(in, READ_AHEAD), buffers)) {
            while (true) {
                // The slot first, then the chunk's array: a chunk waiting for a slot held an array
                // of up to the maximum chunk size on top of those in flight.
                rethrowFailure();
                acquireChunkSlot();
                PooledChunk chunk;
                try {
                    chunk = chunks.nextPooled();
                } catch (IOException | RuntimeException e) {
                    chunksInFlight.release();
                    throw e;
                }
                if (chunk == null) {
                    chunksInFlight.release();
                    break;
                }
                size += chunk.length();
                unknown.add(submitChunk(chunk));
                while (!unknown.isEmpty() && unknown.peek().isDone()) {
                    added += collect(unknown.poll(), ids);
                }
            }
        }
        while (!unknown.isEmpty()) {
            added += collect(unknown.poll(), ids);
        }
        return new StoredContent(ids, size, added);
    }

    /** A chunk's id and whether this writer stores it (false: the repository or this backup has it). */
    private record ChunkId(BlobId id, boolean isNew, int length) {}

    /**
     * Hands a chunk, for which the caller holds a slot, to the encoders, which give its array back
     * to the pool and release the slot when done with it.
     */
    private CompletableFuture<ChunkId> submitChunk(PooledChunk chunk) {
        CompletableFuture<ChunkId> result = new CompletableFuture<>();
        byte[] plain = chunk.array();
        int length = chunk.length();
        try {
            encoders.execute(() -> {
                try {
                    BlobId id;
                    Encoded stored = null;
                    try {
                        id = repo.codec().idOf(plain, 0, length);
                        boolean isNew = !repo.index().contains(id) && pending.add(id);
                        result.complete(new ChunkId(id, isNew, length));
                        if (isNew) {
                            stored = seal(id, plain, length);
                        }
                    } finally {
                        // Back before any wait for the upload queue: the sealed blob is verified.
                        buffers.give(plain);
                    }
                    if (stored != null) {
                        addToPack(BlobType.DATA, id, stored, length);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                    result.completeExceptionally(t);
                } finally {
                    chunksInFlight.release();
                }
            });
        } catch (RuntimeException e) {
            buffers.give(plain);
            chunksInFlight.release();
            throw e;
        }
        return result;
    }

    /** Adds a chunk's id to {@code ids} once it is known; returns the bytes the chunk adds to the repository. */
    private long collect(CompletableFuture<ChunkId> f, List<BlobId> ids) {
        ChunkId c;
        try {
            c = f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifeboatException(ErrorCode.INTERRUPTED, "backup interrupted", null, e);
        } catch (ExecutionException e) {
            failure.compareAndSet(null, e.getCause());
            rethrowFailure();
            throw new IllegalStateException("a failed chunk left no failure to report", e);
        }
        ids.add(c.id());
        return c.isNew() ? c.length() : 0;
    }

    /** Waits for a free encoder slot, telling the compression pace whether the source had to wait. */
    private void acquireChunkSlot() {
        if (chunksInFlight.tryAcquire()) {
            pace.sourceProceeds(chunksInFlight.availablePermits());
        } else {
            pace.sourceWaits();
            acquire(chunksInFlight, 1);
        }
    }

    @Override
    public BlobId storeTree(Tree tree) {
        byte[] json = TreeCodec.encode(tree);
        BlobId id = repo.codec().idOf(json, 0, json.length);
        store(BlobType.TREE, id, json);
        return id;
    }

    @Override
    public Tree loadTree(BlobId id) {
        return repo.loadTree(id);
    }

    @Override
    public boolean contains(Iterable<BlobId> blobs) {
        for (BlobId b : blobs) {
            if (!repo.index().contains(b) && !pending.contains(b)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public ProgressListener progress() {
        return progress;
    }

    /** Queues a blob unless it is stored already; returns whether it is new. */
    private boolean store(BlobType type, BlobId id, byte[] plain) {
        rethrowFailure();
        if (repo.index().contains(id) || !pending.add(id)) {
            return false;
        }
        acquireChunkSlot();
        try {
            encoders.execute(() -> {
                try {
                    addToPack(type, id, seal(id, plain, plain.length), plain.length);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    chunksInFlight.release();
                }
            });
        } catch (RuntimeException e) {
            chunksInFlight.release();
            throw e;
        }
        return true;
    }

    /** Encodes {@code plain[0, length)} into an array from the pool and verifies it; the plaintext is no longer needed after. */
    private Encoded seal(BlobId id, byte[] plain, int length) {
        Encoded stored;
        // Large blobs: the codec decides by its samples whether to compress.
        boolean sampled = length >= BlobCodec.SAMPLED_FROM;
        if (sampled || pace.compresses()) {
            stored = repo.codec().encode(id, plain, 0, length, pace.level(), buffers);
            if (!sampled) {
                pace.compressed(length, stored.length() - BlobCodec.RAW_OVERHEAD);
            }
        } else {
            stored = repo.codec().encodeUncompressed(id, plain, 0, length, buffers);
        }
        try {
            repo.codec().verify(id, stored.array(), stored.length(), plain, 0, length);
        } catch (RuntimeException e) {
            buffers.give(stored.array());
            throw e;
        }
        return stored;
    }

    /** Adds a sealed blob of {@code length} plaintext bytes to its pack, and queues the pack for upload once full. */
    private void addToPack(BlobType type, BlobId id, Encoded stored, int length) {
        blobsAdded.incrementAndGet();
        bytesAdded.addAndGet(length);
        storedBytesAdded.addAndGet(stored.length());
        PackWriter full = null;
        synchronized (this) {
            PackWriter pw = type == BlobType.TREE ? treePack : dataPack;
            pw.add(type, id, stored.array(), stored.length(), length);
            if (pw.size() >= packSize) {
                // Room in the upload queue is taken here, under the lock: while the queue is full
                // one full pack waits and the other encoders wait for it, rather than each filling
                // a pack of its own to wait with.
                acquire(packsQueued, 1);
                full = pw;
                if (type == BlobType.TREE) {
                    treePack = new PackWriter(buffers);
                } else {
                    dataPack = new PackWriter(buffers);
                }
            }
        }
        if (full != null) {
            // Outside the lock: hashing 16 MiB for the pack id must not stall the other encoders.
            finishAndUpload(full);
        }
    }

    /**
     * Assembles a full pack and queues it for upload; the caller holds a {@link #packsQueued}
     * permit for it. A pack's array thus exists only once the pack may be queued: an encoder that
     * assembled its pack first and then waited held one more pack-sized array, and with a slow
     * storage every encoder did (a 256 MiB heap ran out of memory).
     */
    private void finishAndUpload(PackWriter full) {
        FinishedPack pack;
        try {
            pack = full.finish(repo.codec(), packBuffers);
        } catch (RuntimeException e) {
            packsQueued.release();
            throw e;
        }
        upload(pack);
    }

    /** Queues a finished pack for upload; the caller holds a {@link #packsQueued} permit for it. */
    private void upload(FinishedPack pack) {
        Future<?> f;
        try {
            f = uploader.submit(() -> {
                try {
                    repo.storage().putContentAddressed(Handle.of(ObjectKind.DATA, pack.id().hex()), pack.bytes(), pack.length());
                    synchronized (unindexed) {
                        unindexed.put(pack.id(), pack.entries());
                    }
                } finally {
                    // The storage reads the bytes only during the call, also when it failed.
                    packBuffers.give(pack.bytes());
                    packsQueued.release();
                }
                return null;
            });
        } catch (RuntimeException e) {
            packsQueued.release();
            throw e;
        }
        synchronized (uploads) {
            uploads.add(f);
        }
        maybeWriteIndex();
    }

    private void maybeWriteIndex() {
        Map<PackId, List<PackEntry>> batch = null;
        synchronized (unindexed) {
            long now = System.nanoTime();
            if (unindexed.size() >= indexEveryPacks
                    || (!unindexed.isEmpty() && now - lastIndexNanos >= INDEX_EVERY_NANOS)) {
                batch = new LinkedHashMap<>(unindexed);
                unindexed.clear();
                lastIndexNanos = now;
            }
        }
        if (batch != null) {
            writeIndex(batch);
        }
    }

    private void writeIndex(Map<PackId, List<PackEntry>> batch) {
        String name = repo.saveIndex(new IndexFile(batch, List.of()));
        batch.forEach(repo.index()::addPack);
        synchronized (indexFiles) {
            indexFiles.add(name);
        }
    }

    /**
     * Writes out everything queued: the partial packs, then (after every pack is durable) the
     * index. After this returns, every blob stored through this writer is readable.
     */
    public void flush() {
        acquire(chunksInFlight, chunkPermits);
        chunksInFlight.release(chunkPermits);
        rethrowFailure();
        List<PackWriter> last = new ArrayList<>();
        synchronized (this) {
            if (!dataPack.isEmpty()) {
                last.add(dataPack);
                dataPack = new PackWriter(buffers);
            }
            if (!treePack.isEmpty()) {
                last.add(treePack);
                treePack = new PackWriter(buffers);
            }
        }
        for (PackWriter w : last) {
            acquire(packsQueued, 1);
            finishAndUpload(w);
        }
        List<Future<?>> waiting;
        synchronized (uploads) {
            waiting = new ArrayList<>(uploads);
            uploads.clear();
        }
        for (Future<?> f : waiting) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LifeboatException(ErrorCode.INTERRUPTED, "interrupted while uploading packs", null, e);
            } catch (ExecutionException e) {
                failure.compareAndSet(null, e.getCause());
            }
        }
        rethrowFailure();
        Map<PackId, List<PackEntry>> batch;
        synchronized (unindexed) {
            batch = new LinkedHashMap<>(unindexed);
            unindexed.clear();
        }
        if (!batch.isEmpty()) {
            writeIndex(batch);
        }
    }

    public long blobsAdded() {
        return blobsAdded.get();
    }

    /** New blobs compressed at {@link CompressionPace#FAST_LEVEL} because the encoders were the bottleneck. */
    public long blobsCompressedFast() {
        return pace.fastBlobs();
    }

    /**
     * New blobs stored uncompressed because compression saved too little while the encoders were
     * the bottleneck ({@link CompressionPace#compresses}).
     */
    public long blobsStoredRaw() {
        return pace.rawBlobs();
    }

    /** Plaintext bytes of the new blobs. */
    public long bytesAdded() {
        return bytesAdded.get();
    }

    /** Stored (compressed, encrypted) bytes of the new blobs, without pack headers. */
    public long storedBytesAdded() {
        return storedBytesAdded.get();
    }

    private void rethrowFailure() {
        Throwable t = failure.get();
        if (t == null) {
            return;
        }
        if (t instanceof LifeboatException le) {
            throw new LifeboatException(le.code(), le.getMessage(), le.hint(), le, le.retryable());
        }
        if (t instanceof Error err) {
            throw err;
        }
        throw new LifeboatException(ErrorCode.INTERNAL, "backup pipeline failed: " + t, null, t);
    }

    private static void acquire(Semaphore s, int permits) {
        try {
            s.acquire(permits);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifeboatException(ErrorCode.INTERRUPTED, "backup interrupted", null, e);
        }
    }

    @Override
    public void close() {
        encoders.shutdownNow();
        uploader.shutdownNow();
    }
}
