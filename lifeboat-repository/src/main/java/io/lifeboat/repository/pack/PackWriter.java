package io.lifeboat.repository.pack;

import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.id.PackId;
import io.lifeboat.repository.buffer.ArrayPool;
import io.lifeboat.repository.crypto.BlobCodec;
import io.lifeboat.repository.crypto.Sha256;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Collects encoded blobs for one pack. Not thread safe: one writer per pack being filled.
 * Blobs are kept as separate arrays and copied once into the finished pack, so a pack never
 * needs more than twice its size in memory.
 */
public final class PackWriter {
    private final List<byte[]> blobs = new ArrayList<>();
    private final List<PackEntry> entries = new ArrayList<>();
    /** Where the blobs' arrays go once copied into the pack; null: they are not reused. */
    private final ArrayPool pool;
    private int size;

    public PackWriter() {
        this(null);
    }

    /** A writer that gives the arrays of the blobs it was handed back to {@code pool} when it finishes. */
    public PackWriter(ArrayPool pool) {
        this.pool = pool;
    }

    /** Appends an encoded blob. */
    public void add(BlobType type, BlobId id, byte[] stored, int rawLength) {
        add(type, id, stored, stored.length, rawLength);
    }

    /** Appends an encoded blob held in {@code stored[0, storedLength)}; the writer owns the array from now on. */
    public void add(BlobType type, BlobId id, byte[] stored, int storedLength, int rawLength) {
        entries.add(new PackEntry(type, id, size, storedLength, rawLength));
        blobs.add(stored);
        size += storedLength;
    }

    public int size() {
        return size;
    }

    public int count() {
        return entries.size();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Seals the header and returns the pack bytes with their id. The writer must not be reused. */
    public FinishedPack finish(BlobCodec codec) {
        return finish(codec, null);
    }

    /**
     * As {@link #finish(BlobCodec)}, assembling the pack in the first {@link FinishedPack#length()}
     * bytes of an array from {@code buffers} (a new array of exactly the pack's size when null).
     */
    public FinishedPack finish(BlobCodec codec, PackBuffers buffers) {
        byte[] header = PackHeader.seal(codec, entries);
        int length = size + header.length + PackHeader.TRAILER;
        byte[] pack = buffers == null ? new byte[length] : buffers.take(length);
        MessageDigest sha = Sha256.digest();
        int pos = 0;
        // Each blob is hashed right after its copy, while it is in the cache: hashing the whole
        // 16 MiB afterwards read it from memory a second time.
        for (int i = 0; i < blobs.size(); i++) {
            byte[] b = blobs.get(i);
            int n = entries.get(i).length();
            System.arraycopy(b, 0, pack, pos, n);
            Sha256.update(sha, pack, pos, n);
            pos += n;
            if (pool != null) {
                pool.give(b);
            }
        }
        blobs.clear();
        System.arraycopy(header, 0, pack, pos, header.length);
        ByteBuffer.wrap(pack, pos + header.length, PackHeader.TRAILER).order(ByteOrder.LITTLE_ENDIAN).putInt(header.length);
        Sha256.update(sha, pack, pos, length - pos);
        return new FinishedPack(PackId.of(sha.digest()), pack, length, List.copyOf(entries));
    }

    /** A complete pack ready for upload: the first {@code length} bytes of {@code bytes}. */
    public record FinishedPack(PackId id, byte[] bytes, int length, List<PackEntry> entries) {
        public FinishedPack {
            Objects.checkFromIndexSize(0, length, bytes.length);
        }
    }
}
