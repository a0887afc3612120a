package io.lifeboat.repository.crypto;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Passphrase to wrapping key: Argon2id (version 1.3) with the parameters of a key file, computed by
 * the system's Argon2 library when it can be used ({@link NativeArgon2id}), else in Java
 * ({@link Argon2id}); both give the same key.
 */
public final class Kdf {
    public static final int KEY_LENGTH = 32;
    /** Heap kept free beside Argon2's memory, for the rest of the process. */
    private static final long HEADROOM = 32L * 1024 * 1024;
    private static final byte[] NONE = new byte[0];

    private Kdf() {}

    /**
     * Derives a 32-byte key. The password is read, not altered; the UTF-8 copy made here is
     * zeroed before returning. The caller owns (and should zero) the result.
     *
     * @throws LifeboatException {@link ErrorCode#REFUSED} when the JVM heap cannot hold the
     *     memory the parameters ask for
     */
    public static byte[] derive(char[] password, byte[] salt, KdfParams params) {
        checkHeap(params);
        byte[] utf8 = utf8(password);
        try {
            byte[] key = NativeArgon2id.hash(utf8, salt, params.memoryKiB(), params.iterations(), params.parallelism(),
                    KEY_LENGTH);
            return key != null ? key
                    : Argon2id.hash(utf8, salt, NONE, NONE, params.memoryKiB(), params.iterations(), params.parallelism(),
                            KEY_LENGTH, Runtime.getRuntime().availableProcessors());
        } finally {
            Arrays.fill(utf8, (byte) 0);
        }
    }

    /**
     * Which implementation derives keys in this JVM: {@code "libargon2.so.1"}, or {@code "java"}
     * with the reason the library is not used.
     */
    public static String implementation() {
        return NativeArgon2id.unavailableReason().map(why -> "java (" + why + ")").orElse(NativeArgon2id.LIBRARY);
    }

    /**
     * Fails early and clearly instead of with an OutOfMemoryError deep inside Argon2. The library
     * takes its memory outside the heap, but the check holds for both: a key file cannot make any
     * command allocate more than the heap it was given.
     */
    private static void checkHeap(KdfParams params) {
        long needed = params.memoryKiB() * 1024L;
        long available = Runtime.getRuntime().maxMemory() - HEADROOM;
        if (needed > available) {
            throw new LifeboatException(ErrorCode.REFUSED,
                    "key derivation needs " + (needed >> 20) + " MiB of memory, the JVM may use only "
                            + Math.max(0, available >> 20) + " MiB",
                    "give the JVM more heap (e.g. JAVA_OPTS=-Xmx" + ((needed >> 30) + 1) + "g)");
        }
    }

    /** Strict UTF-8, without the intermediate String that could not be zeroed. */
    private static byte[] utf8(char[] password) {
        ByteBuffer encoded = null;
        try {
            encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(password));
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            return bytes;
        } catch (CharacterCodingException e) {
            throw new LifeboatException(ErrorCode.USAGE, "the passphrase is not valid Unicode (unpaired surrogate)",
                    "re-enter the passphrase", e);
        } finally {
            if (encoded != null && encoded.hasArray()) {
                Arrays.fill(encoded.array(), (byte) 0);
            }
        }
    }
}
