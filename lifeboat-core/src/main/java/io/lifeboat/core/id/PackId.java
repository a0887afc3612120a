package io.lifeboat.core.id;

import java.util.Arrays;

/** A pack file: SHA-256 of its stored bytes, verifiable without the key. */
public final class PackId implements Id256, Comparable<PackId> {
    private final byte[] bytes;
    private final int hash;

    private PackId(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    public static PackId of(byte[] bytes) {
        return new PackId(Id256.checked(bytes, "PackId"));
    }

    public static PackId parse(String hex) {
        if (!Hex.isHex(hex, LENGTH)) {
            throw new IllegalArgumentException("not a PackId: " + hex);
        }
        return new PackId(Hex.decode(hex));
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
    public int compareTo(PackId o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PackId other && Arrays.equals(bytes, other.bytes);
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
