package io.lifeboat.repository.chunk;

import io.lifeboat.repository.buffer.ArrayPool;
import java.io.IOException;
import java.io.InputStream;

/**
 * The chunks of one input stream, in order. Memory stays bounded: the buffer starts small (so
 * that small files cost little) and grows to at most twice the maximum chunk size. Not thread
 * safe. Closing closes the underlying stream.
 *
 * <p>With an {@link ArrayPool}, the buffer comes from the pool (and grows through it) and goes
 * back to it on close, and
 * {@link #nextPooled()} hands out chunks in pooled arrays: a backup then allocates no array per
 * chunk or per file.
 */
public final class ChunkStream implements AutoCloseable {
    private static final int INITIAL_BUFFER = 64 * 1024;

    private final Chunker chunker;
    private final InputStream in;
    private final int max;
    private final int capacity;
    private final ArrayPool pool;
    private byte[] buf;
    private int start;
    private int end;
    private boolean eof;
    private long position;

    ChunkStream(Chunker chunker, InputStream in, ArrayPool pool) {
        this.chunker = chunker;
        this.in = in;
        this.pool = pool;
        this.max = chunker.profile().max();
        this.capacity = (int) Math.min(2L * max, Integer.MAX_VALUE - 16);
        this.buf = allocate(Math.min(INITIAL_BUFFER, capacity));
    }

    /** A chunk in the first {@code length} bytes of an array from the pool, which the caller gives back. */
    public record PooledChunk(byte[] array, int length) {}

    /** The next chunk, a fresh array of exactly its length, or {@code null} at the end. */
    public byte[] next() throws IOException {
        int n = nextLength();
        return n < 0 ? null : take(new byte[n], n);
    }

    /**
     * The next chunk, copied into an array from the pool (the caller gives it back when done with
     * it), or {@code null} at the end. Without a pool the array is a fresh one of exactly the
     * chunk's length.
     */
    public PooledChunk nextPooled() throws IOException {
        int n = nextLength();
        return n < 0 ? null : new PooledChunk(take(allocate(n), n), n);
    }

    /** The length of the next chunk (buffered from {@code start}), or -1 at the end of the stream. */
    private int nextLength() throws IOException {
        fill();
        return start == end ? -1 : chunker.cut(buf, start, end - start);
    }

    /** Copies the next {@code n} bytes into {@code chunk} and moves past them. */
    private byte[] take(byte[] chunk, int n) {
        System.arraycopy(buf, start, chunk, 0, n);
        start += n;
        position += n;
        return chunk;
    }

    /** The stream offset at which the next chunk starts (the bytes returned so far). */
    public long position() {
        return position;
    }

    @Override
    public void close() throws IOException {
        try {
            in.close();
        } finally {
            if (pool != null && buf != null) {
                pool.give(buf);
            }
            buf = null;
        }
    }

    /** Reads until a whole maximum-size chunk is buffered or the stream ends. */
    private void fill() throws IOException {
        while (!eof && end - start < max) {
            if (end == buf.length) {
                makeRoom();
            }
            int n = in.read(buf, end, buf.length - end);
            if (n < 0) {
                eof = true;
            } else {
                end += n;
            }
        }
    }

    /** Grows the buffer while below capacity, then slides the unread bytes to the front. */
    private void makeRoom() {
        int unread = end - start;
        byte[] target = buf.length < capacity ? allocate((int) Math.min(2L * buf.length, capacity)) : buf;
        System.arraycopy(buf, start, target, 0, unread);
        if (target != buf && pool != null) {
            pool.give(buf);
        }
        buf = target;
        start = 0;
        end = unread;
    }

    private byte[] allocate(int length) {
        return pool == null ? new byte[length] : pool.take(length);
    }
}
