package io.lifeboat.repository.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;

class Argon2idTest {

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    /** RFC 9106, 5.3: the Argon2id test vector (with a secret and associated data). */
    @Test
    void matchesTheRfcTestVector() {
        byte[] tag = Argon2id.hash(filled(32, 1), filled(16, 2), filled(8, 3), filled(12, 4), 32, 3, 4, 32, 4);
        assertThat(HexFormat.of().formatHex(tag))
                .isEqualTo("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
    }

    /** The same tag as an independent implementation, for many shapes of parameters and any number of threads. */
    @Test
    void agreesWithAnIndependentImplementation() {
        Random random = new Random(42);
        int[][] shapes = {
            {8, 1, 1, 32}, {64, 1, 1, 32}, {100, 2, 1, 32}, {257, 3, 2, 32}, {1024, 2, 2, 32}, {4096, 3, 2, 32},
            {1000, 1, 3, 16}, {2048, 2, 4, 64}, {513, 4, 4, 100}, {16, 1, 2, 4}, {64 * 1024, 1, 2, 32},
        };
        for (int[] shape : shapes) {
            byte[] password = new byte[random.nextInt(40)];
            byte[] salt = new byte[8 + random.nextInt(24)];
            random.nextBytes(password);
            random.nextBytes(salt);
            byte[] expected = reference(password, salt, shape[0], shape[1], shape[2], shape[3]);
            for (int threads = 1; threads <= 3; threads++) {
                assertThat(Argon2id.hash(password, salt, new byte[0], new byte[0], shape[0], shape[1], shape[2], shape[3],
                        threads))
                        .as("m=%d t=%d p=%d T=%d on %d threads", shape[0], shape[1], shape[2], shape[3], threads)
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void theDefaultParametersAgreeToo() {
        byte[] password = "correct horse battery staple".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] salt = filled(16, 7);
        KdfParams p = KdfParams.DEFAULT;
        assertThat(Argon2id.hash(password, salt, new byte[0], new byte[0], p.memoryKiB(), p.iterations(), p.parallelism(), 32,
                2)).isEqualTo(reference(password, salt, p.memoryKiB(), p.iterations(), p.parallelism(), 32));
    }

    /** H' (RFC 9106, 3.3): BLAKE2b of the length and the input, chained for outputs over 64 bytes. */
    @Test
    void variableLengthHashIsBlake2bOfLengthAndInputChainedBeyond64Bytes() {
        byte[] in = filled(5, 9);
        assertThat(Argon2id.hPrime(32, in)).isEqualTo(blake2b(32, le32(32), in));
        byte[] v1 = blake2b(64, le32(1024), in);
        byte[] v2 = blake2b(64, v1);
        byte[] out = Argon2id.hPrime(1024, in);
        assertThat(Arrays.copyOfRange(out, 0, 32)).isEqualTo(Arrays.copyOf(v1, 32));
        assertThat(Arrays.copyOfRange(out, 32, 64)).isEqualTo(Arrays.copyOf(v2, 32));
        byte[] v = v1;
        for (int i = 1; i < 30; i++) {
            v = blake2b(64, v);
        }
        assertThat(Arrays.copyOfRange(out, 960, 1024)).isEqualTo(blake2b(64, v));
    }

    private static byte[] le32(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    private static byte[] blake2b(int length, byte[]... parts) {
        org.bouncycastle.crypto.digests.Blake2bDigest d = new org.bouncycastle.crypto.digests.Blake2bDigest(length * 8);
        for (byte[] p : parts) {
            d.update(p, 0, p.length);
        }
        byte[] out = new byte[length];
        d.doFinal(out, 0);
        return out;
    }

    @Test
    void refusesImpossibleParameters() {
        assertThatThrownBy(() -> Argon2id.hash(new byte[1], new byte[8], new byte[0], new byte[0], 8, 1, 2, 32, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("m=8");
        assertThatThrownBy(() -> Argon2id.hash(new byte[1], new byte[8], new byte[0], new byte[0], 64, 0, 1, 32, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] reference(byte[] password, byte[] salt, int memoryKiB, int iterations, int lanes, int tagLength) {
        Argon2BytesGenerator g = new Argon2BytesGenerator();
        g.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKiB).withIterations(iterations).withParallelism(lanes).withSalt(salt).build());
        byte[] out = new byte[tagLength];
        g.generateBytes(password, out);
        return out;
    }
}
