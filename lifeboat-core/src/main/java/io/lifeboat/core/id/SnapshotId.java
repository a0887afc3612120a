package io.lifeboat.core.id;

import java.util.Arrays;

/** A snapshot object: SHA-256 of its stored bytes. */
public final class SnapshotId implements Id256, Comparable<SnapshotId> {
    private final byte[] bytes;
    private final int hash;

    private SnapshotId(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    public static SnapshotId of(byte[] bytes) {
        return new SnapshotId(Id256.checked(bytes, "SnapshotId"));
    }

    public static SnapshotId parse(String hex) {
        if (!Hex.isHex(hex, LENGTH)) {
            throw new IllegalArgumentException("not a SnapshotId: " + hex);
        }
        return new SnapshotId(Hex.decode(hex));
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
    public int compareTo(SnapshotId o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SnapshotId other && Arrays.equals(bytes, other.bytes);
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
