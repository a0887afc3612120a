package io.lifeboat.repository.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.Hex;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KdfTest {
    private static final byte[] SALT = "lifeboat-salt-16".getBytes(StandardCharsets.US_ASCII);

    /** Expected values come from the reference implementation: {@code echo -n PW | argon2 SALT -id -t -m -p -l 32 -r}. */
    @Test
    void matchesTheArgon2idReferenceImplementation() {
        assertThat(Hex.encode(Kdf.derive("correct horse battery staple".toCharArray(), SALT, KdfParams.FAST)))
                .isEqualTo("659fa09e09d5442c1f30ce2cd19f051e3dd31123080b9d4e1c360ec16d2087ec");
        KdfParams twoLanes = new KdfParams(KdfParams.ARGON2ID, 4096, 2, 2);
        assertThat(Hex.encode(Kdf.derive("pässwörd 🔑".toCharArray(), SALT, twoLanes)))
                .as("passwords are encoded as UTF-8")
                .isEqualTo("3410e0c53c4fa0a77718b486aace08a2d02e72f3782967128280160024e1d02e");
    }

    @Test
    void deriveLeavesThePasswordIntact() {
        char[] password = "secret".toCharArray();
        Kdf.derive(password, SALT, KdfParams.FAST);
        assertThat(password).containsExactly('s', 'e', 'c', 'r', 'e', 't');
    }

    @Test
    void defaultParametersAreTheDocumentedOnes() {
        assertThat(KdfParams.DEFAULT).isEqualTo(new KdfParams("argon2id", 65536, 3, 2));
        assertThat(KdfParams.FAST.memoryKiB()).isLessThan(KdfParams.DEFAULT.memoryKiB());
    }

    @Test
    void paramsRejectUnknownAlgorithmsAndAbsurdCosts() {
        assertThatThrownBy(() -> new KdfParams("scrypt", 65536, 3, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KdfParams("argon2id", 4, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KdfParams("argon2id", Integer.MAX_VALUE, 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KdfParams("argon2id", 65536, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KdfParams("argon2id", 65536, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesParametersThatDoNotFitTheHeap() {
        KdfParams huge = new KdfParams(KdfParams.ARGON2ID, KdfParams.MAX_MEMORY_KIB, 1, 1);
        assertThatThrownBy(() -> Kdf.derive("pw".toCharArray(), SALT, huge))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.REFUSED);
                    assertThat(e.hint()).contains("-Xmx");
                });
    }

    @Test
    void rejectsPasswordsThatAreNotUnicode() {
        char[] loneSurrogate = {'a', '\uD800'};
        assertThatThrownBy(() -> Kdf.derive(loneSurrogate, SALT, KdfParams.FAST))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE));
    }
}
