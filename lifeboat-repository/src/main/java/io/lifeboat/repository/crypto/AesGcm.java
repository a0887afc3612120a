package io.lifeboat.repository.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM with a random 96-bit nonce, framed as {@code nonce ‖ ciphertext ‖ tag}. Thread safe:
 * each thread keeps one {@link Cipher} and initialises it for every call (GCM needs that for every
 * nonce anyway). Looking a cipher up and expanding its key cost ~10 µs, which a blob of a
 * PostgreSQL dump (16 KiB on average, sealed and then opened to verify it) paid twice; a thread's
 * cipher keeps the expanded key while the key stays the same.
 */
final class AesGcm {
    static final int NONCE_LENGTH = 12;
    static final int TAG_LENGTH = 16;
    static final int OVERHEAD = NONCE_LENGTH + TAG_LENGTH;
    static final String TRANSFORMATION = "AES/GCM/NoPadding";
    /**
     * Encryption feeds the cipher in slices: the JDK's AES-GCM intrinsics replace methods only
     * once those are compiled, and a method called once per 1 MiB chunk reaches the compile
     * threshold so late that a short-lived process encrypts at ~35 MB/s throughout. Slices make
     * the hot methods hot within the first few MiB.
     */
    private static final int SLICE = 16 * 1024;

    /**
     * Decryption writes into a direct buffer. The JDK then runs its AES-GCM intrinsic over 512-byte
     * pieces, one call each, so the intrinsic is compiled within the first blob; into a byte array
     * it makes one call per blob, which stays interpreted (about 60 MB/s instead of 700+) for the
     * first hundreds of MiB of a restore. Below DIRECT_MIN the array path is as good; above
     * DIRECT_MAX (objects, not blobs) the buffers are not worth keeping.
     */
    private static final int DIRECT_MIN = DirectBuffers.MIN;
    private static final int DIRECT_MAX = DirectBuffers.MAX;
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance(TRANSFORMATION);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    });

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

    /**
     * Seals and opens throw-away messages under a throw-away key until the JIT has compiled the
     * AES-GCM intrinsics: about 0.3 s of one core. Only for long-running processes (the daemon),
     * whose first large objects would otherwise run through the JDK's plain-Java GHASH and counter
     * mode: measured in a fresh daemon, its first eight 16 MiB WAL segments took 82–116 ms each to
     * store, the ninth 44 ms. Short commands do not call it (it cost them more than it saved).
     */
    static void warmUp() {
        AesGcm warm = new AesGcm(new byte[32], new SecureRandom());
        byte[] aad = new byte[32];
        byte[] message = new byte[4096];
        try {
            for (int i = 0; i < 6_000; i++) {
                byte[] sealed = warm.seal(aad, message, 0, message.length);
                warm.open(aad, sealed, 0, sealed.length);
            }
            // Then messages larger than the JDK's 1 MiB split, so that branch is compiled too.
            byte[] large = new byte[(1 << 20) + 4096];
            for (int i = 0; i < 48; i++) {
                byte[] sealed = warm.seal(aad, large, 0, large.length);
                warm.open(aad, sealed, 0, sealed.length);
            }
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("AES-GCM does not open what it sealed", e);
        }
    }

    /** Seals {@code src[off, off+len)} into a new array of exactly {@code len + OVERHEAD} bytes. */
    byte[] seal(byte[] aad, byte[] src, int off, int len) {
        byte[] out = new byte[len + OVERHEAD];
        sealInto(aad, src, off, len, out);
        return out;
    }

    /**
     * Seals {@code src[off, off+len)} into the first {@code len + OVERHEAD} bytes of {@code out}
     * (which must not overlap the source); returns that length.
     */
    int sealInto(byte[] aad, byte[] src, int off, int len, byte[] out) {
        Objects.checkFromIndexSize(0, len + OVERHEAD, out.length);
        byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, out, 0, NONCE_LENGTH);
        try {
            Cipher cipher = CIPHERS.get();
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce));
            cipher.updateAAD(aad);
            int o = NONCE_LENGTH;
            int consumed = 0;
            while (len - consumed > SLICE) {
                o += cipher.update(src, off + consumed, SLICE, out, o);
                consumed += SLICE;
            }
            cipher.doFinal(src, off + consumed, len - consumed, out, o);
            return len + OVERHEAD;
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
        int plainLength = len - OVERHEAD;
        if (plainLength >= DIRECT_MIN && plainLength <= DIRECT_MAX) {
            ByteBuffer out = openDirect(aad, stored, off, len);
            try {
                byte[] plain = new byte[plainLength];
                out.get(plain);
                return plain;
            } finally {
                DirectBuffers.giveBack(out);
            }
        }
        try {
            return decryptor(aad, stored, off, len).doFinal(stored, off + NONCE_LENGTH, len - NONCE_LENGTH);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }

    /**
     * As {@link #open}, into a pooled direct buffer instead of a new array: position 0, limit the
     * plaintext's length. The caller gives it back with {@link DirectBuffers#giveBack}. For
     * plaintexts up to {@link DirectBuffers#MAX} bytes.
     */
    ByteBuffer openDirect(byte[] aad, byte[] stored, int off, int len) throws AEADBadTagException {
        Cipher cipher = decryptor(aad, stored, off, len);
        ByteBuffer out = DirectBuffers.take(len - OVERHEAD);
        boolean opened = false;
        try {
            cipher.doFinal(ByteBuffer.wrap(stored, off + NONCE_LENGTH, len - NONCE_LENGTH), out);
            opened = true;
            return out.flip();
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        } finally {
            if (!opened) {
                DirectBuffers.giveBack(out);
            }
        }
    }

    /** This thread's cipher, set to decrypt {@code stored[off, off+len)} with {@code aad}. */
    private Cipher decryptor(byte[] aad, byte[] stored, int off, int len) throws AEADBadTagException {
        if (len < OVERHEAD) {
            throw new AEADBadTagException("sealed data of " + len + " bytes is shorter than nonce and tag");
        }
        try {
            Cipher cipher = CIPHERS.get();
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, stored, off, NONCE_LENGTH));
            cipher.updateAAD(aad);
            return cipher;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }
}
