package io.lifeboat.repository.crypto;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.repository.buffer.ArrayPool;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns plaintext into what the repository stores and back: blob ids, compression, encryption
 * and authentication, in the sealed format described in the package documentation. Thread safe
 * and cheap per call; one instance per open repository.
 */
public final class BlobCodec {
    /** Bytes a raw (incompressible) payload grows by: nonce, flag and tag. */
    public static final int RAW_OVERHEAD = AesGcm.OVERHEAD + 1;
    /**
     * Payloads from this size on are compressed only when samples of them compress (else stored
     * raw at the cost of the samples); smaller ones are always compressed in full by {@link #encode}.
     */
    public static final int SAMPLED_FROM = Compression.SAMPLE_MIN_PAYLOAD;
    static final String DAMAGE_HINT = "run 'lifeboat check --read-data' to list every damaged object";
    private static final String HMAC = "HmacSHA256";

    private final AesGcm aead;
    /** The encryption key before an unfinished {@code key rotate-master}: read with it, never written. */
    private final AesGcm previous;
    private final Compression compression;
    /** Initialised once; each call works on a clone, which costs a copy of the hash state. */
    private final Mac macPrototype;

    /** zstd level 3 and a fresh {@link SecureRandom} for nonces. */
    public BlobCodec(MasterKey key) {
        this(key, Compression.DEFAULT_LEVEL, new SecureRandom());
    }

    public BlobCodec(MasterKey key, int zstdLevel, SecureRandom random) {
        this(key, null, zstdLevel, random);
    }

    /**
     * A codec that writes with {@code key} and also reads what was sealed with {@code previous}
     * (which must share its MAC key): for a repository whose master key rotation is unfinished.
     */
    public BlobCodec(MasterKey key, MasterKey previous) {
        this(key, previous, Compression.DEFAULT_LEVEL, new SecureRandom());
    }

    private BlobCodec(MasterKey key, MasterKey previous, int zstdLevel, SecureRandom random) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(random, "random");
        byte[] enc = key.encryptionKey();
        byte[] macKey = key.macKey();
        byte[] old = previous == null ? null : previous.encryptionKey();
        try {
            if (previous != null && !MessageDigest.isEqual(macKey, previous.macKey())) {
                throw new IllegalArgumentException("a previous master key must share the MAC key");
            }
            this.aead = new AesGcm(enc, random);
            this.previous = old == null ? null : new AesGcm(old, random);
            this.macPrototype = Mac.getInstance(HMAC);
            macPrototype.init(new SecretKeySpec(macKey, HMAC));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        } finally {
            Arrays.fill(enc, (byte) 0);
            Arrays.fill(macKey, (byte) 0);
            if (old != null) {
                Arrays.fill(old, (byte) 0);
            }
        }
        this.compression = new Compression(zstdLevel);
    }

    /**
     * Gets the JIT to compile the encryption code now rather than during the first objects (about
     * 0.3 s of one core, no key involved). For long-running processes; call it on a background
     * thread.
     */
    public static void warmUp() {
        AesGcm.warmUp();
    }

    /**
     * Looks up the JDK's AES-GCM and HMAC-SHA-256 and loads zstd, as opening a repository does
     * right after its key derivation: on a fresh JVM the first Cipher.getInstance alone took about
     * 19 ms (the JCE's policy files and provider tables). For a thread that would otherwise only
     * wait for the derivation; no key involved.
     */
    public static void warmUpProviders() {
        try {
            Cipher.getInstance(AesGcm.TRANSFORMATION);
            Mac.getInstance(HMAC);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK provides AES-GCM and HmacSHA256", e);
        }
        Compression.checkLevel(Compression.DEFAULT_LEVEL);
    }

    public int zstdLevel() {
        return compression.level();
    }

    public BlobId idOf(byte[] plain) {
        return idOf(plain, 0, plain.length);
    }

    /** HMAC-SHA-256 of {@code plain[off, off+len)} under the MAC key. */
    public BlobId idOf(byte[] plain, int off, int len) {
        Objects.checkFromIndexSize(off, len, plain.length);
        Mac mac = mac();
        // In slices, as Sha256 does and for the same reason.
        int done = 0;
        while (len - done > Sha256.SLICE) {
            mac.update(plain, off + done, Sha256.SLICE);
            done += Sha256.SLICE;
        }
        mac.update(plain, off + done, len - done);
        return BlobId.of(mac.doFinal());
    }

    public byte[] encode(BlobId id, byte[] plain) {
        return encode(id, plain, 0, plain.length);
    }

    /**
     * The stored form of a blob: {@code nonce ‖ AES-GCM(flag ‖ payload) ‖ tag} with the id as
     * associated data. The caller vouches that {@code id} is {@link #idOf} of the plaintext;
     * {@link #decode} checks it.
     */
    public byte[] encode(BlobId id, byte[] plain, int off, int len) {
        return encode(id, plain, off, len, compression.level());
    }

    /**
     * As {@link #encode(BlobId, byte[], int, int)}, compressing at {@code zstdLevel} instead of
     * this codec's level (for a writer that trades ratio for speed while it is CPU-bound). The
     * level is not part of the stored form: any level decodes the same way.
     */
    public byte[] encode(BlobId id, byte[] plain, int off, int len, int zstdLevel) {
        Objects.checkFromIndexSize(off, len, plain.length);
        Compression.checkLevel(zstdLevel);
        byte[] aad = id.bytes();
        return compression.withBody(plain, off, len, zstdLevel, (body, n) -> aead.seal(aad, body, 0, n));
    }

    /** A stored blob in the first {@code length} bytes of an array from a pool, which its user gives back. */
    public record Encoded(byte[] array, int length) {}

    /**
     * As {@link #encode(BlobId, byte[], int, int, int)}, into an array taken from {@code pool}
     * rather than a new one: for the backup's write path, which gives the array back once the blob
     * is in its pack.
     */
    public Encoded encode(BlobId id, byte[] plain, int off, int len, int zstdLevel, ArrayPool pool) {
        Objects.checkFromIndexSize(off, len, plain.length);
        Compression.checkLevel(zstdLevel);
        byte[] aad = id.bytes();
        return compression.withBody(plain, off, len, zstdLevel, pool, (body, n) -> sealPooled(aad, body, n, pool));
    }

    /** As {@link #encodeUncompressed}, into an array taken from {@code pool}. */
    public Encoded encodeUncompressed(BlobId id, byte[] plain, int off, int len, ArrayPool pool) {
        Objects.checkFromIndexSize(off, len, plain.length);
        byte[] aad = id.bytes();
        return compression.withRawBody(plain, off, len, pool, (body, n) -> sealPooled(aad, body, n, pool));
    }

    private Encoded sealPooled(byte[] aad, byte[] body, int n, ArrayPool pool) {
        byte[] out = pool.take(n + AesGcm.OVERHEAD);
        return new Encoded(out, aead.sealInto(aad, body, 0, n, out));
    }

    /**
     * As {@link #encode(BlobId, byte[], int, int)}, storing the payload uncompressed (for a writer
     * that found compression not worth its time on this data). Decodes like any other blob.
     */
    public byte[] encodeUncompressed(BlobId id, byte[] plain, int off, int len) {
        Objects.checkFromIndexSize(off, len, plain.length);
        byte[] aad = id.bytes();
        return compression.withRawBody(plain, off, len, (body, n) -> aead.seal(aad, body, 0, n));
    }

    public byte[] decode(BlobId id, byte[] stored) {
        return decode(id, stored, 0, stored.length);
    }

    /**
     * The plaintext of a stored blob, authenticated and checked against its id.
     *
     * @throws LifeboatException {@link ErrorCode#DAMAGED_DATA} naming the blob when the bytes
     *     were altered or truncated, belong to another blob, or were sealed with another key
     */
    public byte[] decode(BlobId id, byte[] stored, int off, int len) {
        Objects.checkFromIndexSize(off, len, stored.length);
        Supplier<String> name = () -> "blob " + id.shortHex();
        byte[] plain = compression.payload(authenticate(id.bytes(), stored, off, len, name), name);
        BlobId actual = idOf(plain, 0, plain.length);
        if (!actual.equals(id)) {
            throw new LifeboatException(ErrorCode.DAMAGED_DATA,
                    name.get() + ": content does not match its id (hash " + actual.shortHex() + ")", DAMAGE_HINT);
        }
        return plain;
    }

    /** A blob's plaintext: {@code array[0, length)}, an array the caller gives back to the pool it came from. */
    public record Plain(byte[] array, int length) {}

    /**
     * As {@link #decode(BlobId, byte[], int, int)}, into an array from {@code pool}: decrypted
     * into a pooled direct buffer and decompressed (or copied) from there, so that a restore
     * allocates, zeroes and collects nothing per blob (it allocated four arrays of the blob's size
     * per blob, 4.4 GB for a 2 GiB tree), small stored forms included: 8 MiB of zeros is stored in
     * a few hundred bytes. Objects above {@link DirectBuffers#MAX} come in a new array.
     */
    public Plain decode(BlobId id, byte[] stored, int off, int len, ArrayPool pool) {
        Objects.checkFromIndexSize(off, len, stored.length);
        int bodyLength = len - AesGcm.OVERHEAD;
        if (bodyLength > DirectBuffers.MAX) {
            byte[] plain = decode(id, stored, off, len);
            return new Plain(plain, plain.length);
        }
        Supplier<String> name = () -> "blob " + id.shortHex();
        ByteBuffer body = authenticateDirect(id.bytes(), stored, off, len, name);
        Plain plain;
        try {
            plain = compression.payloadInto(body, pool, name);
        } finally {
            DirectBuffers.giveBack(body);
        }
        BlobId actual = idOf(plain.array(), 0, plain.length());
        if (!actual.equals(id)) {
            pool.give(plain.array());
            throw new LifeboatException(ErrorCode.DAMAGED_DATA,
                    name.get() + ": content does not match its id (hash " + actual.shortHex() + ")", DAMAGE_HINT);
        }
        return plain;
    }

    /**
     * Checks that {@code stored}, just made by {@link #encode}, restores: it authenticates,
     * decompresses, and equals {@code plain[off, off+len)} byte for byte. Equal bytes have the
     * id the caller computed from them, so this is as strict as {@link #decode} without hashing
     * the blob a second time.
     *
     * @throws LifeboatException {@link ErrorCode#DAMAGED_DATA} naming the blob otherwise
     */
    public void verify(BlobId id, byte[] stored, byte[] plain, int off, int len) {
        verify(id, stored, stored.length, plain, off, len);
    }

    /** As {@link #verify(BlobId, byte[], byte[], int, int)}, for a blob stored in {@code stored[0, storedLength)}. */
    public void verify(BlobId id, byte[] stored, int storedLength, byte[] plain, int off, int len) {
        Objects.checkFromIndexSize(off, len, plain.length);
        Objects.checkFromIndexSize(0, storedLength, stored.length);
        Supplier<String> name = () -> "blob " + id.shortHex();
        boolean restores;
        if (storedLength - AesGcm.OVERHEAD > DirectBuffers.MAX) {
            byte[] back = compression.payload(authenticate(id.bytes(), stored, 0, storedLength, name), name);
            restores = Arrays.equals(back, 0, back.length, plain, off, off + len);
        } else {
            // Decrypted and decompressed into pooled direct buffers and compared there: no array
            // per blob to allocate, zero and copy into (twice the blob's size, for every blob written).
            ByteBuffer body;
            try {
                body = aead.openDirect(id.bytes(), stored, 0, storedLength);
            } catch (AEADBadTagException e) {
                throw new LifeboatException(ErrorCode.DAMAGED_DATA,
                        name.get() + ": authentication failed (memory or cipher fault)", DAMAGE_HINT, e);
            }
            try {
                restores = compression.payloadEquals(body, plain, off, len, name);
            } finally {
                DirectBuffers.giveBack(body);
            }
        }
        if (!restores) {
            throw new LifeboatException(ErrorCode.DAMAGED_DATA,
                    name.get() + ": encoding does not restore the content (memory or compressor fault)", DAMAGE_HINT);
        }
    }

    /**
     * Compresses and encrypts a whole object (index, snapshot, lock, config, pack header).
     * {@code aad} binds the ciphertext to its role, e.g. the object kind.
     */
    public byte[] seal(byte[] plain, byte[] aad) {
        return seal(plain, aad, compression.level());
    }

    /**
     * As {@link #seal(byte[], byte[])}, compressing at {@code zstdLevel} instead of this codec's
     * level (e.g. WAL files, which zstd's fastest levels compress about as well, at a fraction of
     * the time). Any level opens the same way.
     */
    public byte[] seal(byte[] plain, byte[] aad, int zstdLevel) {
        Objects.requireNonNull(aad, "aad");
        Compression.checkLevel(zstdLevel);
        byte[] ad = aad.clone();
        return compression.withBody(plain, 0, plain.length, zstdLevel, (body, n) -> aead.seal(ad, body, 0, n));
    }

    /**
     * Reverses {@link #seal}.
     *
     * @param objectNameForErrors how errors name the object, e.g. {@code "index 3fa2c1d0"}
     * @throws LifeboatException {@link ErrorCode#DAMAGED_DATA} when authentication fails
     */
    public byte[] open(byte[] sealed, byte[] aad, String objectNameForErrors) {
        Objects.requireNonNull(aad, "aad");
        Supplier<String> name = () -> objectNameForErrors;
        return compression.payload(authenticate(aad, sealed, 0, sealed.length, name), name);
    }

    /**
     * Re-encrypts a stored blob or sealed object under this codec's key without decompressing it:
     * authenticates {@code stored[off, off+len)} (with either key) and seals the same body again
     * with a fresh nonce.
     */
    public byte[] reseal(byte[] aad, byte[] stored, int off, int len, String objectNameForErrors) {
        Objects.checkFromIndexSize(off, len, stored.length);
        byte[] body = authenticate(aad, stored, off, len, () -> objectNameForErrors);
        return aead.seal(aad.clone(), body, 0, body.length);
    }

    /**
     * Re-encrypts a stored blob or sealed object for another repository: authenticates
     * {@code stored[off, off+len)} with this codec's key(s) and seals the same body (still
     * compressed) with {@code target}'s key and a fresh nonce. For {@code copy} between
     * repositories that share the MAC key (so blob ids, the associated data, stay valid).
     *
     * @throws LifeboatException {@link ErrorCode#DAMAGED_DATA} naming the object when the source
     *     bytes do not authenticate
     */
    public byte[] resealFor(BlobCodec target, byte[] aad, byte[] stored, int off, int len, String objectNameForErrors) {
        Objects.checkFromIndexSize(off, len, stored.length);
        byte[] body = authenticate(aad, stored, off, len, () -> objectNameForErrors);
        return target.aead.seal(aad.clone(), body, 0, body.length);
    }

    /** Whether {@code stored} was sealed with this codec's own key (not a previous one). */
    public boolean sealedWithCurrentKey(byte[] aad, byte[] stored, int off, int len) {
        try {
            aead.open(aad, stored, off, len);
            return true;
        } catch (AEADBadTagException e) {
            return false;
        }
    }

    private byte[] authenticate(byte[] aad, byte[] stored, int off, int len, Supplier<String> name) {
        return authenticated(cipher -> cipher.open(aad, stored, off, len), len, name);
    }

    /** As {@link #authenticate}, into a pooled direct buffer the caller gives back ({@link DirectBuffers#giveBack}). */
    private ByteBuffer authenticateDirect(byte[] aad, byte[] stored, int off, int len, Supplier<String> name) {
        return authenticated(cipher -> cipher.openDirect(aad, stored, off, len), len, name);
    }

    /** One way of opening a sealed form with a key. */
    private interface Opening<T> {
        T with(AesGcm cipher) throws AEADBadTagException;
    }

    /** Opens with the current key, else the previous one (during a rotation), else reports damage. */
    private <T> T authenticated(Opening<T> opening, int len, Supplier<String> name) {
        try {
            return opening.with(aead);
        } catch (AEADBadTagException e) {
            if (previous != null) {
                try {
                    return opening.with(previous);
                } catch (AEADBadTagException stillBad) {
                    // neither key: damaged, reported below
                }
            }
            String why = len < AesGcm.OVERHEAD + 1 ? "truncated to " + len + " bytes" : "wrong key or corrupted data";
            throw new LifeboatException(ErrorCode.DAMAGED_DATA, name.get() + ": authentication failed (" + why + ")",
                    DAMAGE_HINT, e);
        }
    }

    private Mac mac() {
        try {
            return (Mac) macPrototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's HmacSHA256 is cloneable", e);
        }
    }

    @Override
    public String toString() {
        return "BlobCodec[zstd " + compression.level() + ", key ***]";
    }
}
