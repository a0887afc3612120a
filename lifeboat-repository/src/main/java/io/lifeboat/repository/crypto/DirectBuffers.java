package io.lifeboat.repository.crypto;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A small pool of direct buffers for decryption and decompression: allocated once, their memory
 * is never zeroed or faulted in again, unlike a fresh array per blob.
 */
final class DirectBuffers {
    /** Below this size a direct buffer saves nothing over an array. */
    static final int MIN = 4096;
    /** Above this size (objects, not blobs) buffers are not worth keeping. */
    static final int MAX = 16 * 1024 * 1024;
    private static final int POOLED = 16;
    private static final ConcurrentLinkedQueue<ByteBuffer> POOL = new ConcurrentLinkedQueue<>();

    private DirectBuffers() {}

    /** A cleared buffer of at least {@code capacity} bytes, from the pool when one is large enough. */
    static ByteBuffer take(int capacity) {
        ByteBuffer b = POOL.poll();
        if (b == null || b.capacity() < capacity) {
            // Sizes grow to the next power of two, so a pool serves blobs of every size after a few misses.
            b = ByteBuffer.allocateDirect(Math.max(MIN, Integer.highestOneBit(Math.max(1, capacity - 1)) << 1));
        }
        return b.clear();
    }

    /** Returns a buffer from {@link #take}; the caller must not use it afterwards. */
    static void giveBack(ByteBuffer b) {
        if (b.capacity() <= 2 * MAX && POOL.size() < POOLED) {
            POOL.offer(b);
        }
    }
}
