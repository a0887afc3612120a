package io.lifeboat.core.id;

import java.util.Arrays;

/** A blob: HMAC-SHA-256 of its plaintext under the repository MAC key. */
public final class BlobId implements Id256, Comparable<BlobId> {
    private final byte[] bytes;
    private final int hash;

    private BlobId(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    public static BlobId of(byte[] bytes) {
        return new BlobId(Id256.checked(bytes, "BlobId"));
    }

    public static BlobId parse(String hex) {
        if (!Hex.isHex(hex, LENGTH)) {
            throw new IllegalArgumentException("not a BlobId: " + hex);
        }
        return new BlobId(Hex.decode(hex));
    }

    @Override
    public byte[] bytes() {
        return Arrays.copyOf(bytes, LENGTH);
    }

    /** Copies the id bytes into {@code dst} at {@code offset} without allocating. */
    public void copyTo(byte[] dst, int offset) {
        System.arraycopy(bytes, 0, dst, offset, LENGTH);
    }

    @Override
    public String hex() {
        return Hex.encode(bytes);
    }

    @Override
    public int compareTo(BlobId o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BlobId other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return hex();
    }
}
