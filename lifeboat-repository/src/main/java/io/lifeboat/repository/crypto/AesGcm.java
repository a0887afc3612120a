package io.lifeboat.repository.crypto;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM with a random 96-bit nonce, framed as {@code nonce ‖ ciphertext ‖ tag}. Thread safe:
 * a {@link Cipher} is made per call (GCM must be re-initialised for every nonce anyway, and a
 * per-call instance works with any number of virtual threads).
 */
final class AesGcm {
    static final int NONCE_LENGTH = 12;
    static final int TAG_LENGTH = 16;
    static final int OVERHEAD = NONCE_LENGTH + TAG_LENGTH;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";

    private final SecretKeySpec key;
    private final SecureRandom random;

    /**
     * @param key 32 bytes, copied
     * @param random nonce source; {@code null} for an instance that only opens
     */
    AesGcm(byte[] key, SecureRandom random) {
        this.key = new SecretKeySpec(key, "AES");
        this.random = random;
    }

    /** Seals {@code src[off, off+len)} into a new array of exactly {@code len + OVERHEAD} bytes. */
    byte[] seal(byte[] aad, byte[] src, int off, int len) {
        byte[] out = new byte[len + OVERHEAD];
        byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, out, 0, NONCE_LENGTH);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce));
            cipher.updateAAD(aad);
            cipher.doFinal(src, off, len, out, NONCE_LENGTH);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /**
     * Authenticates and decrypts {@code stored[off, off+len)}.
     *
     * @throws AEADBadTagException when the data, the nonce, the tag, the associated data or the
     *     key is not the one that sealed it, or the input is shorter than {@link #OVERHEAD}
     */
    byte[] open(byte[] aad, byte[] stored, int off, int len) throws AEADBadTagException {
        if (len < OVERHEAD) {
            throw new AEADBadTagException("sealed data of " + len + " bytes is shorter than nonce and tag");
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            GCMParameterSpec spec = new GCMParameterSpec(TAG_LENGTH * 8, stored, off, NONCE_LENGTH);
            cipher.init(Cipher.DECRYPT_MODE, key, spec);
            cipher.updateAAD(aad);
            return cipher.doFinal(stored, off + NONCE_LENGTH, len - NONCE_LENGTH);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }
}
