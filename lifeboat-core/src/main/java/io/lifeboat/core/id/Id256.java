package io.lifeboat.core.id;

import java.util.Arrays;

/** Shared behaviour of the 32-byte ids. Implementations keep their bytes private and copied. */
public sealed interface Id256 permits BlobId, PackId, SnapshotId, ObjectId {
    int LENGTH = 32;

    /** A copy of the 32 id bytes. */
    byte[] bytes();

    /** The 64-character lower-case hex form, used as the storage name. */
    String hex();

    /** The first 8 hex characters, for display. */
    default String shortHex() {
        return hex().substring(0, 8);
    }

    static byte[] checked(byte[] bytes, String kind) {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException(kind + " must be 32 bytes");
        }
        return Arrays.copyOf(bytes, LENGTH);
    }
}
