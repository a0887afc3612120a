package io.lifeboat.repository.buffer;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;

/**
 * Byte arrays to reuse, in a few sizes per power of two, for the backup's per-chunk and per-blob
 * buffers.
 * A fresh array per chunk cost more than the copy into it: the JVM zeroes every new array, and a
 * heap that grows to hold megabytes of garbage per chunk faults its new pages in one by one (in a
 * first backup of a 2 GiB tree, page faults and zeroing were a fifth of all CPU time). A reused
 * array has neither cost.
 *
 * <p>New arrays come in sizes that step by a quarter of the power of two below them (1, 1.25,
 * 1.5, 1.75, 2 MiB, ...; from 1 MiB up each plus {@link #SLACK}), at most 25% larger than asked
 * for: with whole powers of two a sealed 1 MiB chunk (1 MiB and 29 bytes) took a 2 MiB array, and
 * a backup with a 256 MiB heap ran out of memory. A request is served by the smallest kept array
 * that is at most half as large again as asked for, so that chunks of every size keep reusing the
 * same arrays.
 *
 * <p>What the pool keeps is bounded by a byte budget: an array given back beyond it is left to
 * the garbage collector. Arrays taken and never given back are simply collected. Thread safe.
 */
public final class ArrayPool {
    /** The smallest array handed out; smaller requests get this size. */
    static final int MIN_SIZE = 64 * 1024;
    private static final int STEPS = 4;
    /**
     * From 1 MiB up, a size class is a quarter step plus this much: a sealed blob (the chunk, a
     * flag byte and the cipher's nonce and tag) or zstd's output bound is a few bytes to 32 KiB
     * larger than its chunk, and an 8 MiB chunk's blob took the next 10 MiB class (11 regions of
     * a small heap instead of 9).
     */
    static final int SLACK = 64 * 1024;
    private static final int SLACK_FROM = 1024 * 1024;

    private final long budget;
    private final TreeMap<Integer, ArrayDeque<byte[]>> free = new TreeMap<>();
    private long kept;

    /** @param budget bytes the pool may keep between uses */
    public ArrayPool(long budget) {
        if (budget < 0) {
            throw new IllegalArgumentException("budget must not be negative: " + budget);
        }
        this.budget = budget;
    }

    /**
     * An array of at least {@code minLength} bytes: the next size class (at least
     * {@link #MIN_SIZE}), or exactly {@code minLength} when that size would not fit an array. Its
     * contents are whatever it held before.
     */
    public byte[] take(int minLength) {
        if (minLength < 0) {
            throw new IllegalArgumentException("length must not be negative: " + minLength);
        }
        int size = sizeFor(minLength);
        if (size < 0) {
            return new byte[minLength];
        }
        synchronized (this) {
            Map.Entry<Integer, ArrayDeque<byte[]>> fit = free.ceilingEntry(minLength);
            if (fit != null && fit.getKey() <= minLength + (long) minLength / 2 + MIN_SIZE) {
                byte[] a = fit.getValue().pollLast();
                if (fit.getValue().isEmpty()) {
                    free.remove(fit.getKey());
                }
                kept -= a.length;
                return a;
            }
        }
        return new byte[size];
    }

    /** Gives an array from {@link #take} back; the caller must not use it afterwards. */
    public void give(byte[] array) {
        int n = array.length;
        if (sizeFor(n) != n) {
            return; // not one of the pool's sizes
        }
        synchronized (this) {
            if (kept + n <= budget) {
                free.computeIfAbsent(n, k -> new ArrayDeque<>()).addLast(array);
                kept += n;
            }
        }
    }

    /** Bytes kept for reuse now. */
    public synchronized long kept() {
        return kept;
    }

    /** The pooled size for a request, or -1 when no size class that large fits an array. */
    static int sizeFor(int minLength) {
        if (minLength <= MIN_SIZE) {
            return MIN_SIZE;
        }
        long below = Integer.highestOneBit(minLength - 1);
        long step = below / STEPS;
        long slack = below >= SLACK_FROM ? SLACK : 0;
        long size = below + Math.max(0, minLength - below - slack + step - 1) / step * step + slack;
        return size <= Integer.MAX_VALUE - 16 ? (int) size : -1;
    }
}
