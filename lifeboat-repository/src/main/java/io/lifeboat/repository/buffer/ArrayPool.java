package io.lifeboat.repository.buffer;

import java.util.ArrayDeque;

/**
 * Byte arrays to reuse, in power-of-two sizes, for the backup's per-chunk and per-blob buffers.
 * A fresh array per chunk cost more than the copy into it: the JVM zeroes every new array, and a
 * heap that grows to hold megabytes of garbage per chunk faults its new pages in one by one (in a
 * first backup of a 2 GiB tree, page faults and zeroing were a fifth of all CPU time). A reused
 * array has neither cost.
 *
 * <p>What the pool keeps is bounded by a byte budget: an array given back beyond it is left to
 * the garbage collector. Arrays taken and never given back are simply collected. Thread safe.
 */
public final class ArrayPool {
    /** The smallest array handed out; smaller requests get this size. */
    static final int MIN_SIZE = 64 * 1024;
    private static final int CLASSES = 32;

    private final long budget;
    @SuppressWarnings("unchecked")
    private final ArrayDeque<byte[]>[] free = new ArrayDeque[CLASSES];
    private long kept;

    /** @param budget bytes the pool may keep between uses */
    public ArrayPool(long budget) {
        if (budget < 0) {
            throw new IllegalArgumentException("budget must not be negative: " + budget);
        }
        this.budget = budget;
        for (int i = 0; i < CLASSES; i++) {
            free[i] = new ArrayDeque<>();
        }
    }

    /**
     * An array of at least {@code minLength} bytes: the next power of two (at least
     * {@link #MIN_SIZE}), or exactly {@code minLength} when that power of two would not fit an
     * array. Its contents are whatever it held before.
     */
    public byte[] take(int minLength) {
        if (minLength < 0) {
            throw new IllegalArgumentException("length must not be negative: " + minLength);
        }
        int size = sizeFor(minLength);
        if (size < 0) {
            return new byte[minLength];
        }
        int c = classOf(size);
        synchronized (this) {
            byte[] a = free[c].pollLast();
            if (a != null) {
                kept -= a.length;
                return a;
            }
        }
        return new byte[size];
    }

    /** Gives an array from {@link #take} back; the caller must not use it afterwards. */
    public void give(byte[] array) {
        int n = array.length;
        if (n < MIN_SIZE || Integer.bitCount(n) != 1) {
            return;
        }
        synchronized (this) {
            if (kept + n <= budget) {
                free[classOf(n)].addLast(array);
                kept += n;
            }
        }
    }

    /** Bytes kept for reuse now. */
    public synchronized long kept() {
        return kept;
    }

    /** The pooled size for a request, or -1 when no power of two that large fits an array. */
    private static int sizeFor(int minLength) {
        if (minLength <= MIN_SIZE) {
            return MIN_SIZE;
        }
        int p = Integer.highestOneBit(minLength - 1) << 1;
        return p > 0 ? p : -1;
    }

    private static int classOf(int powerOfTwo) {
        return Integer.numberOfTrailingZeros(powerOfTwo);
    }
}
