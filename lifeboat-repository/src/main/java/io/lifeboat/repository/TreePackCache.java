package io.lifeboat.repository;

import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.id.PackId;
import io.lifeboat.repository.pack.BlobType;
import io.lifeboat.repository.pack.PackEntry;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Tree packs held whole in memory, least recently used first out. A walk over a snapshot (a
 * backup comparing with its parent, a restore, {@code ls}, {@code check}, prune) reads trees one
 * directory at a time; reading each tree's pack once instead of each tree alone turns hundreds
 * of requests into a few, which is what a remote storage's round trips make expensive. Trees
 * and data go to separate packs, so a tree pack holds nothing else. What is cached is the
 * stored (still sealed) form: every tree is authenticated when it is read. Thread safe.
 */
final class TreePackCache {
    /** The stored bytes of one blob inside a cached pack. */
    record Slice(byte[] pack, int offset, int length) {}

    private record Cached(byte[] bytes, Map<BlobId, PackEntry> trees) {}

    private final long maxBytes;
    private final LinkedHashMap<PackId, Cached> packs = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    TreePackCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * The stored bytes of tree {@code id} of {@code pack}: from the cache, or by reading the whole
     * pack with {@code read} and its header with {@code header}. Empty when the pack does not
     * list the blob as a tree.
     */
    java.util.Optional<Slice> get(PackId pack, BlobId id, Function<PackId, byte[]> read,
            Function<byte[], List<PackEntry>> header) {
        Cached c;
        synchronized (this) {
            c = packs.get(pack);
        }
        if (c == null) {
            // Read outside the lock, so that other threads' cached trees are not held up by this
            // request; two threads missing the same pack at once both read it, which is harmless.
            byte[] whole = read.apply(pack);
            Map<BlobId, PackEntry> trees = new HashMap<>();
            for (PackEntry e : header.apply(whole)) {
                if (e.type() == BlobType.TREE) {
                    trees.put(e.id(), e);
                }
            }
            c = new Cached(whole, trees);
            if (whole.length <= maxBytes) {
                synchronized (this) {
                    if (packs.putIfAbsent(pack, c) == null) {
                        bytes += whole.length;
                        evict();
                    }
                }
            }
        }
        PackEntry e = c.trees().get(id);
        return e == null ? java.util.Optional.empty()
                : java.util.Optional.of(new Slice(c.bytes(), e.offset(), e.length()));
    }

    private void evict() {
        Iterator<Map.Entry<PackId, Cached>> it = packs.entrySet().iterator();
        while (bytes > maxBytes && it.hasNext()) {
            bytes -= it.next().getValue().bytes().length;
            it.remove();
        }
    }
}
