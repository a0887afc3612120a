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
        MessageDigest sha = digest();
        update(sha, data, 0, data.length);
        return sha.digest();
    }

    /** A fresh SHA-256 digest, for a caller that hashes an object piece by piece. */
    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** Feeds {@code data[off, off+len)} to {@code sha} in slices. */
    public static void update(MessageDigest sha, byte[] data, int off, int len) {
        for (int done = 0; done < len; done += SLICE) {
            sha.update(data, off + done, Math.min(SLICE, len - done));
        }
    }
}
