package io.lifeboat.core.id;

import java.util.Arrays;

/** Any other content-addressed object (index, key): SHA-256 of its stored bytes. */
public final class ObjectId implements Id256, Comparable<ObjectId> {
    private final byte[] bytes;
    private final int hash;

    private ObjectId(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    public static ObjectId of(byte[] bytes) {
        return new ObjectId(Id256.checked(bytes, "ObjectId"));
    }

    public static ObjectId parse(String hex) {
        if (!Hex.isHex(hex, LENGTH)) {
            throw new IllegalArgumentException("not a ObjectId: " + hex);
        }
        return new ObjectId(Hex.decode(hex));
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
    public int compareTo(ObjectId o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObjectId other && Arrays.equals(bytes, other.bytes);
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
