package io.lifeboat.repository.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 of a stored object: the id of packs, index files, snapshots and key files. The bytes
 * are fed in slices: the JDK's SHA-256 intrinsics apply only once the hashing methods are
 * compiled, and one call per 16 MiB pack would leave them interpreted in a short-lived process.
 */
public final class Sha256 {
    /** Also the slice of {@link BlobCodec#idOf}, for the same reason. */
    static final int SLICE = 16 * 1024;

    private Sha256() {}

    public static byte[] of(byte[] data) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
        for (int off = 0; off < data.length; off += SLICE) {
            sha.update(data, off, Math.min(SLICE, data.length - off));
        }
        return sha.digest();
    }
}
