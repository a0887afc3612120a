package io.lifeboat.repository.crypto;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * The repository's secret: encryption key, MAC key and chunker seed, 32 bytes each. Accessors
 * return copies, so no caller can alter the key of another. Never printed.
 */
public final class MasterKey {
    static final int PART = 32;
    /** Length of {@link #toBytes()}: encryption key ‖ MAC key ‖ chunker seed. */
    public static final int LENGTH = 3 * PART;

    private final byte[] encryptionKey;
    private final byte[] macKey;
    private final byte[] chunkerSeed;

    private MasterKey(byte[] encryptionKey, byte[] macKey, byte[] chunkerSeed) {
        this.encryptionKey = encryptionKey;
        this.macKey = macKey;
        this.chunkerSeed = chunkerSeed;
    }

    public static MasterKey generate(SecureRandom random) {
        byte[] all = new byte[LENGTH];
        random.nextBytes(all);
        try {
            return fromBytes(all);
        } finally {
            Arrays.fill(all, (byte) 0);
        }
    }

    /**
     * A master key with a new random encryption key and this key's MAC key and chunker seed, for
     * {@code key rotate-master}: blob ids and chunk boundaries stay, so nothing but the encryption
     * changes and new backups still deduplicate against old data.
     */
    public MasterKey withNewEncryptionKey(SecureRandom random) {
        byte[] enc = new byte[PART];
        random.nextBytes(enc);
        return new MasterKey(enc, macKey.clone(), chunkerSeed.clone());
    }

    /** Reads the 96-byte form written by {@link #toBytes()}; the argument is copied, not kept. */
    public static MasterKey fromBytes(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length != LENGTH) {
            throw new LifeboatException(ErrorCode.DAMAGED_DATA,
                    "master key: expected " + LENGTH + " bytes, found " + bytes.length,
                    "the key file was written by an incompatible version of Lifeboat or is damaged");
        }
        return new MasterKey(Arrays.copyOfRange(bytes, 0, PART), Arrays.copyOfRange(bytes, PART, 2 * PART),
                Arrays.copyOfRange(bytes, 2 * PART, 3 * PART));
    }

    /** The 96-byte form; the caller should zero it when done. */
    public byte[] toBytes() {
        byte[] all = new byte[LENGTH];
        System.arraycopy(encryptionKey, 0, all, 0, PART);
        System.arraycopy(macKey, 0, all, PART, PART);
        System.arraycopy(chunkerSeed, 0, all, 2 * PART, PART);
        return all;
    }

    public byte[] encryptionKey() {
        return encryptionKey.clone();
    }

    public byte[] macKey() {
        return macKey.clone();
    }

    /** The seed of the repository's gear table (see {@code io.lifeboat.repository.chunk}). */
    public byte[] chunkerSeed() {
        return chunkerSeed.clone();
    }

    /** Constant-time comparison of all three parts. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MasterKey other)) {
            return false;
        }
        boolean same = MessageDigest.isEqual(encryptionKey, other.encryptionKey);
        same &= MessageDigest.isEqual(macKey, other.macKey);
        same &= MessageDigest.isEqual(chunkerSeed, other.chunkerSeed);
        return same;
    }

    /** Deliberately constant: a hash derived from key bytes would leak some of them. */
    @Override
    public int hashCode() {
        return 0x6d6b;
    }

    @Override
    public String toString() {
        return "MasterKey[***]";
    }
}
