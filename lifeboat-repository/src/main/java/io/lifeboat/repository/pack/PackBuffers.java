package io.lifeboat.repository.pack;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Arrays to assemble packs in, reused from one pack to the next: a pack is assembled in one,
 * uploaded from its first {@code length} bytes, and the array comes back here. A fresh 16 MiB
 * array per pack was most of what a backup still allocated (1.2 GB for a 2 GiB tree), each one
 * zeroed and, as the heap grew to hold them, faulted in. Thread safe.
 */
public final class PackBuffers {
    private final int capacity;
    private final int keep;
    private final ArrayDeque<byte[]> free = new ArrayDeque<>();

    /**
     * @param capacity the size of new arrays (a request for more gets exactly what it asks for)
     * @param keep how many arrays to keep between packs
     */
    public PackBuffers(int capacity, int keep) {
        if (capacity < 0 || keep < 0) {
            throw new IllegalArgumentException("capacity and keep must not be negative: " + capacity + ", " + keep);
        }
        this.capacity = capacity;
        this.keep = keep;
    }

    /** An array of at least {@code needed} bytes, holding whatever it held before. */
    public byte[] take(int needed) {
        synchronized (this) {
            for (Iterator<byte[]> it = free.iterator(); it.hasNext(); ) {
                byte[] b = it.next();
                if (b.length >= needed) {
                    it.remove();
                    return b;
                }
            }
        }
        return new byte[Math.max(needed, capacity)];
    }

    /** Gives an array from {@link #take} back once nothing reads it any more. */
    public synchronized void give(byte[] buffer) {
        if (free.size() < keep) {
            free.addLast(buffer);
        }
    }

    /** Arrays kept for reuse now. */
    public synchronized int kept() {
        return free.size();
    }
}
