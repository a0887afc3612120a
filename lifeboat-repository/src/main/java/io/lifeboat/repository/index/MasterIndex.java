package io.lifeboat.repository.index;

import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.id.PackId;
import io.lifeboat.repository.pack.BlobType;
import io.lifeboat.repository.pack.PackEntry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * The in-memory map blob id → location, built from all index files. An open-addressing table over
 * primitive arrays: about 49 bytes per slot, 65 bytes per blob at the 0.75 load factor, so ten
 * million blobs (10 TB of 1 MiB chunks) fit in 650 MB and a typical repository in a few MB.
 * Thread safe: many readers, one writer at a time.
 */
public final class MasterIndex {
    private static final float LOAD = 0.75f;

    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final List<PackId> packs = new ArrayList<>();
    private final Map<PackId, Integer> packNumbers = new HashMap<>();
    private long[] keys; // 4 longs per slot; a slot is empty when packNo is -1
    private int[] packNo;
    private int[] offsets;
    private int[] lengths;
    private int[] rawLengths;
    private byte[] types;
    private int count;

    public MasterIndex() {
        allocate(1024);
    }

    private void allocate(int slots) {
        keys = new long[slots * 4];
        packNo = new int[slots];
        java.util.Arrays.fill(packNo, -1);
        offsets = new int[slots];
        lengths = new int[slots];
        rawLengths = new int[slots];
        types = new byte[slots];
    }

    /** Adds every blob of a pack; blobs already indexed keep their first location. */
    public void addPack(PackId pack, List<PackEntry> entries) {
        lock.writeLock().lock();
        try {
            int p = packNumbers.computeIfAbsent(pack, k -> {
                packs.add(k);
                return packs.size() - 1;
            });
            byte[] id = new byte[32];
            for (PackEntry e : entries) {
                if ((count + 1) > packNo.length * LOAD) {
                    grow();
                }
                e.id().copyTo(id, 0);
                insert(id, p, e.type().code(), e.offset(), e.length(), e.rawLength());
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void insert(byte[] id, int p, byte type, int offset, int length, int raw) {
        ByteBuffer b = ByteBuffer.wrap(id).order(ByteOrder.LITTLE_ENDIAN);
        long k0 = b.getLong(0), k1 = b.getLong(8), k2 = b.getLong(16), k3 = b.getLong(24);
        int mask = packNo.length - 1;
        int slot = (int) (k0 ^ (k0 >>> 32)) & mask;
        while (packNo[slot] != -1) {
            if (matches(slot, k0, k1, k2, k3)) {
                return;
            }
            slot = (slot + 1) & mask;
        }
        int k = slot * 4;
        keys[k] = k0;
        keys[k + 1] = k1;
        keys[k + 2] = k2;
        keys[k + 3] = k3;
        packNo[slot] = p;
        types[slot] = type;
        offsets[slot] = offset;
        lengths[slot] = length;
        rawLengths[slot] = raw;
        count++;
    }

    private boolean matches(int slot, long k0, long k1, long k2, long k3) {
        int k = slot * 4;
        return keys[k] == k0 && keys[k + 1] == k1 && keys[k + 2] == k2 && keys[k + 3] == k3;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldPack = packNo, oldOff = offsets, oldLen = lengths, oldRaw = rawLengths;
        byte[] oldTypes = types;
        allocate(packNo.length * 2);
        count = 0;
        byte[] id = new byte[32];
        ByteBuffer b = ByteBuffer.wrap(id).order(ByteOrder.LITTLE_ENDIAN);
        for (int s = 0; s < oldPack.length; s++) {
            if (oldPack[s] == -1) {
                continue;
            }
            for (int i = 0; i < 4; i++) {
                b.putLong(i * 8, oldKeys[s * 4 + i]);
            }
            insert(id, oldPack[s], oldTypes[s], oldOff[s], oldLen[s], oldRaw[s]);
        }
    }

    private int find(BlobId blob) {
        byte[] id = blob.bytes();
        ByteBuffer b = ByteBuffer.wrap(id).order(ByteOrder.LITTLE_ENDIAN);
        long k0 = b.getLong(0), k1 = b.getLong(8), k2 = b.getLong(16), k3 = b.getLong(24);
        int mask = packNo.length - 1;
        int slot = (int) (k0 ^ (k0 >>> 32)) & mask;
        while (packNo[slot] != -1) {
            if (matches(slot, k0, k1, k2, k3)) {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
        return -1;
    }

    public boolean contains(BlobId blob) {
        lock.readLock().lock();
        try {
            return find(blob) >= 0;
        } finally {
            lock.readLock().unlock();
        }
    }

    public Optional<BlobLocation> lookup(BlobId blob) {
        lock.readLock().lock();
        try {
            int s = find(blob);
            if (s < 0) {
                return Optional.empty();
            }
            return Optional.of(new BlobLocation(packs.get(packNo[s]), BlobType.of(types[s]), offsets[s], lengths[s], rawLengths[s]));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Number of distinct blobs. */
    public int size() {
        lock.readLock().lock();
        try {
            return count;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Every pack that holds at least one indexed blob. */
    public List<PackId> packs() {
        lock.readLock().lock();
        try {
            return List.copyOf(packs);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Visits every indexed blob (under the read lock: do not call back into this index). */
    public void forEach(Consumer<IndexedBlob> visitor) {
        lock.readLock().lock();
        try {
            byte[] id = new byte[32];
            ByteBuffer b = ByteBuffer.wrap(id).order(ByteOrder.LITTLE_ENDIAN);
            for (int s = 0; s < packNo.length; s++) {
                if (packNo[s] == -1) {
                    continue;
                }
                for (int i = 0; i < 4; i++) {
                    b.putLong(i * 8, keys[s * 4 + i]);
                }
                visitor.accept(new IndexedBlob(BlobId.of(id),
                        new BlobLocation(packs.get(packNo[s]), BlobType.of(types[s]), offsets[s], lengths[s], rawLengths[s])));
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /** A blob with its location, as visited by {@link #forEach}. */
    public record IndexedBlob(BlobId id, BlobLocation location) {}
}
