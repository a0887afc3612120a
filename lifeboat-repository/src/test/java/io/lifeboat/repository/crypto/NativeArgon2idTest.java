package io.lifeboat.repository.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.id.Hex;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The system's Argon2 library against the Java implementation. The tests run with native access
 * enabled (as the launcher runs Lifeboat), so wherever the library is installed it must be used.
 */
class NativeArgon2idTest {
    private static final byte[] NONE = new byte[0];

    @BeforeEach
    void libraryIsUsedWhereverItIsInstalled() {
        boolean installed = Stream.of("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib")
                .anyMatch(dir -> Files.exists(Path.of(dir, NativeArgon2id.LIBRARY)));
        Assumptions.assumeTrue(installed, NativeArgon2id.LIBRARY + " is not installed (scripts/install-deps installs it)");
        assertThat(NativeArgon2id.unavailableReason()).isEmpty();
        assertThat(Kdf.implementation()).isEqualTo(NativeArgon2id.LIBRARY);
    }

    @Test
    void givesTheJavaImplementationsTagOnRandomParameters() {
        Random random = new Random(20261202);
        for (int round = 0; round < 40; round++) {
            int lanes = 1 + random.nextInt(4);
            int memoryKiB = 8 * lanes + random.nextInt(2048);
            int iterations = 1 + random.nextInt(3);
            int tagLength = 4 + random.nextInt(61);
            byte[] password = new byte[random.nextInt(80)];
            byte[] salt = new byte[8 + random.nextInt(40)];
            random.nextBytes(password);
            random.nextBytes(salt);
            byte[] expected = Argon2id.hash(password, salt, NONE, NONE, memoryKiB, iterations, lanes, tagLength, 2);
            assertThat(NativeArgon2id.hash(password, salt, memoryKiB, iterations, lanes, tagLength))
                    .as("m=%d t=%d p=%d T=%d |pwd|=%d |salt|=%d", memoryKiB, iterations, lanes, tagLength,
                            password.length, salt.length)
                    .isEqualTo(expected);
        }
    }

    @Test
    void givesTheReferenceCommandsOutputForTheDefaultParameters() {
        // echo -n 'correct horse battery staple' | argon2 lifeboat-salt-16 -id -t 3 -k 65536 -p 2 -l 32 -r
        byte[] password = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
        byte[] salt = "lifeboat-salt-16".getBytes(StandardCharsets.US_ASCII);
        KdfParams p = KdfParams.DEFAULT;
        String reference = "74fa34940cc5ed24cc35847a246c1ee2c9831d14b743877e2c31ef817d2b4097";
        assertThat(Hex.encode(NativeArgon2id.hash(password, salt, p.memoryKiB(), p.iterations(), p.parallelism(), 32)))
                .isEqualTo(reference);
        assertThat(Hex.encode(Argon2id.hash(password, salt, NONE, NONE, p.memoryKiB(), p.iterations(), p.parallelism(),
                32, 2))).isEqualTo(reference);
    }

    @Test
    void leavesSaltsTheLibraryRefusesToJava() {
        byte[] shortSalt = {1, 2, 3, 4};
        byte[] password = "pw".getBytes(StandardCharsets.US_ASCII);
        assertThat(NativeArgon2id.hash(password, shortSalt, 64, 1, 1, 32)).isNull();
        assertThat(Kdf.derive("pw".toCharArray(), shortSalt, new KdfParams(KdfParams.ARGON2ID, 64, 1, 1)))
                .isEqualTo(Argon2id.hash(password, shortSalt, NONE, NONE, 64, 1, 1, 32, 1));
    }

    @Test
    void theSystemPropertyChoosesTheJavaImplementation() {
        byte[] salt = "lifeboat-salt-16".getBytes(StandardCharsets.US_ASCII);
        byte[] password = "pw".getBytes(StandardCharsets.US_ASCII);
        System.setProperty(NativeArgon2id.PROPERTY, "java");
        try {
            assertThat(NativeArgon2id.hash(password, salt, 64, 1, 1, 32)).isNull();
            assertThat(Kdf.implementation()).isEqualTo("java (" + NativeArgon2id.PROPERTY + "=java)");
            assertThat(Hex.encode(Kdf.derive("pw".toCharArray(), salt, new KdfParams(KdfParams.ARGON2ID, 64, 1, 1))))
                    .isEqualTo(Hex.encode(Argon2id.hash(password, salt, NONE, NONE, 64, 1, 1, 32, 1)));
        } finally {
            System.clearProperty(NativeArgon2id.PROPERTY);
        }
        assertThat(NativeArgon2id.hash(password, salt, 64, 1, 1, 32)).isNotNull();
    }
}
