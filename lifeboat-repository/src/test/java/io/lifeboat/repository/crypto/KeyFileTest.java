package io.lifeboat.repository.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.Hex;
import io.lifeboat.repository.chunk.Xorshift;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KeyFileTest {
    private static final Instant CREATED = Instant.parse("2025-03-01T10:15:30Z");
    private static final JsonMapper JSON = new JsonMapper();
    /** Replacement bytes for the fuzz test: mostly ones that keep JSON almost valid. */
    private static final String JSONISH = " {}[]\",:0123456789.-eE+truefalsnl\\aZ/=\u00ff";
    private final SecureRandom random = new SecureRandom();
    private final MasterKey masterKey = MasterKey.generate(random);

    @Test
    void openWithTheRightPasswordReturnsTheMasterKey() {
        KeyFile key = KeyFile.create(masterKey, "hunter2".toCharArray(), KdfParams.FAST, "db1", "postgres", CREATED, random);
        assertThat(key.open("hunter2".toCharArray())).isEqualTo(masterKey);
    }

    @Test
    void openWithAWrongPasswordFailsWithWrongPassword() {
        KeyFile key = KeyFile.create(masterKey, "hunter2".toCharArray(), KdfParams.FAST, "db1", "postgres", CREATED, random);
        assertThatThrownBy(() -> key.open("hunter3".toCharArray()))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.WRONG_PASSWORD);
                    assertThat(e.getMessage()).isEqualTo("wrong password for key " + key.id().shortHex());
                    assertThat(e.hint()).contains("--password-file");
                });
    }

    @Test
    void jsonRoundTripKeepsBytesIdAndMetadata() {
        KeyFile key = KeyFile.create(masterKey, "pw".toCharArray(), KdfParams.FAST, "db1", "postgres", CREATED, random);
        byte[] json = key.toJson();
        KeyFile parsed = KeyFile.parse(json);

        assertThat(parsed.toJson()).isEqualTo(json);
        assertThat(parsed.id()).isEqualTo(key.id()).isEqualTo(KeyFile.idOf(json));
        assertThat(parsed.id().bytes()).isEqualTo(sha256(json));
        assertThat(parsed.host()).isEqualTo("db1");
        assertThat(parsed.username()).isEqualTo("postgres");
        assertThat(parsed.created()).isEqualTo(CREATED);
        assertThat(parsed.kdf()).isEqualTo(KdfParams.FAST);
        assertThat(parsed.open("pw".toCharArray())).isEqualTo(masterKey);
    }

    @Test
    void jsonHasTheDocumentedFields() throws Exception {
        KeyFile key = KeyFile.create(masterKey, "pw".toCharArray(), KdfParams.DEFAULT, "db1", "postgres", CREATED, random);
        ObjectNode root = (ObjectNode) JSON.readTree(key.toJson());
        assertThat(root.get("version").intValue()).isEqualTo(1);
        assertThat(root.get("kdf").get("algorithm").textValue()).isEqualTo("argon2id");
        assertThat(root.get("kdf").get("memory_kib").intValue()).isEqualTo(65536);
        assertThat(root.get("kdf").get("iterations").intValue()).isEqualTo(3);
        assertThat(root.get("kdf").get("parallelism").intValue()).isEqualTo(2);
        assertThat(root.get("created").textValue()).isEqualTo("2025-03-01T10:15:30Z");
        assertThat(java.util.Base64.getDecoder().decode(root.get("salt").textValue())).hasSize(32).isNotEqualTo(new byte[32]);
        assertThat(java.util.Base64.getDecoder().decode(root.get("data").textValue())).hasSize(12 + 96 + 16);
    }

    @Test
    void changingThePassphraseIsANewKeyFileForTheSameMasterKey() {
        KeyFile old = KeyFile.create(masterKey, "old".toCharArray(), KdfParams.FAST, "h", "u", CREATED, random);
        MasterKey opened = old.open("old".toCharArray());
        KeyFile renewed = KeyFile.create(opened, "new".toCharArray(), KdfParams.FAST, "h", "u", CREATED, random);

        assertThat(renewed.id()).isNotEqualTo(old.id());
        assertThat(renewed.open("new".toCharArray())).isEqualTo(masterKey);
        assertThatThrownBy(() -> renewed.open("old".toCharArray()))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.WRONG_PASSWORD));
    }

    @Test
    void unknownFieldsAreIgnoredAndKeptInTheStoredBytes() throws Exception {
        KeyFile key = KeyFile.create(masterKey, "pw".toCharArray(), KdfParams.FAST, "h", "u", CREATED, random);
        ObjectNode root = (ObjectNode) JSON.readTree(key.toJson());
        root.put("comment", "added by a later version");
        byte[] json = JSON.writeValueAsBytes(root);
        KeyFile parsed = KeyFile.parse(json);
        assertThat(parsed.toJson()).isEqualTo(json);
        assertThat(parsed.open("pw".toCharArray())).isEqualTo(masterKey);
    }

    @Test
    void parseRejectsANewerVersionWithAnUpgradeHint() throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(
                KeyFile.create(masterKey, "pw".toCharArray(), KdfParams.FAST, "h", "u", CREATED, random).toJson());
        root.put("version", 2);
        assertThatThrownBy(() -> KeyFile.parse(JSON.writeValueAsBytes(root)))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.DAMAGED_DATA);
                    assertThat(e.getMessage()).contains("version 2");
                    assertThat(e.hint()).contains("upgrade");
                });
    }

    /**
     * What the parser accepts beside the documented fields: unknown fields of any shape are
     * skipped; a duplicate field, anything after the object, or a kdf that is no object is damage.
     */
    @Test
    void parseSkipsUnknownValuesOfAnyShapeAndRejectsDuplicatesAndTrailingTokens() {
        String json = new String(KeyFile.create(masterKey, "pw".toCharArray(), KdfParams.FAST, "h", "u", CREATED, random)
                .toJson(), StandardCharsets.UTF_8).trim();
        String body = json.substring(1, json.length() - 1);
        String extended = "{\"extra\":{\"nested\":[1,{\"salt\":\"x\"}],\"n\":1.5,\"b\":true},\"list\":[null]," + body + "}";
        assertThat(KeyFile.parse(extended.getBytes(StandardCharsets.UTF_8)).open("pw".toCharArray())).isEqualTo(masterKey);
        for (String bad : new String[] {"{" + body + ",\"salt\":\"AAAA\"}", json + " {}", json + " 1",
                "{" + body.replaceFirst("\"kdf\"\\s*:\\s*\\{[^}]*\\}", "\"kdf\":[1]") + "}"}) {
            assertThatThrownBy(() -> KeyFile.parse(bad.getBytes(StandardCharsets.UTF_8))).as(bad)
                    .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DAMAGED_DATA));
        }
    }

    @Test
    void parseRejectsGarbageWithDamagedData() {
        for (String garbage : new String[] {"", "null", "[]", "{}", "{\"version\":1}", "not json", "{\"version\":1e3}",
                "{\"version\":99999999999}"}) {
            assertThatThrownBy(() -> KeyFile.parse(garbage.getBytes(StandardCharsets.UTF_8)))
                    .as(garbage)
                    .isInstanceOfSatisfying(LifeboatException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.DAMAGED_DATA);
                        assertThat(e.getMessage()).startsWith("key ");
                        assertThat(e.hint()).isNotBlank();
                    });
        }
    }

    @Test
    void parseRejectsAbsurdKdfCostsBeforeAnyWork() throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(
                KeyFile.create(masterKey, "pw".toCharArray(), KdfParams.FAST, "h", "u", CREATED, random).toJson());
        ((ObjectNode) root.get("kdf")).put("memory_kib", Integer.MAX_VALUE);
        assertThatThrownBy(() -> KeyFile.parse(JSON.writeValueAsBytes(root)))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DAMAGED_DATA));
    }

    /** Fuzz: random bytes and random mutations of a valid key file fail only with DAMAGED_DATA. */
    @Test
    void parseOfDamagedInputNeverFailsWithAnythingButDamagedData() {
        byte[] valid = KeyFile.create(masterKey, "pw".toCharArray(), KdfParams.FAST, "h", "u", CREATED, random).toJson();
        Xorshift rnd = new Xorshift(2024);
        int parsed = 0;
        for (int round = 0; round < 10_000; round++) {
            byte[] input;
            if (round % 4 == 0) {
                input = Xorshift.bytes(round, rnd.nextInt(300));
            } else {
                input = Arrays.copyOf(valid, Math.max(0, valid.length - (round % 7 == 0 ? rnd.nextInt(valid.length) : 0)));
                for (int k = 1 + rnd.nextInt(4); k > 0 && input.length > 0; k--) {
                    input[rnd.nextInt(input.length)] = (byte) JSONISH.charAt(rnd.nextInt(JSONISH.length()));
                }
            }
            try {
                KeyFile.parse(input);
                parsed++;
            } catch (LifeboatException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.DAMAGED_DATA);
            }
        }
        assertThat(parsed).as("some mutations (e.g. inside the host name) still parse").isPositive();
    }

    @Test
    void masterKeyBytesRoundTripAndAccessorsReturnCopies() {
        byte[] bytes = masterKey.toBytes();
        assertThat(bytes).hasSize(MasterKey.LENGTH);
        assertThat(MasterKey.fromBytes(bytes)).isEqualTo(masterKey);
        assertThat(Arrays.copyOfRange(bytes, 0, 32)).isEqualTo(masterKey.encryptionKey());
        assertThat(Arrays.copyOfRange(bytes, 32, 64)).isEqualTo(masterKey.macKey());
        assertThat(Arrays.copyOfRange(bytes, 64, 96)).isEqualTo(masterKey.chunkerSeed());

        MasterKey fromBytes = MasterKey.fromBytes(bytes);
        bytes[0] ^= 1;
        masterKey.encryptionKey()[0] ^= 1;
        masterKey.macKey()[0] ^= 1;
        masterKey.chunkerSeed()[0] ^= 1;
        assertThat(masterKey.toBytes()).isEqualTo(fromBytes.toBytes()).isNotEqualTo(bytes);
        assertThat(MasterKey.generate(random)).isNotEqualTo(masterKey);
    }

    @Test
    void masterKeyFromBytesRejectsWrongLength() {
        assertThatThrownBy(() -> MasterKey.fromBytes(new byte[95]))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DAMAGED_DATA));
    }

    @Test
    void neitherPrintsKeyMaterial() {
        KeyFile key = KeyFile.create(masterKey, "hunter2".toCharArray(), KdfParams.FAST, "db1", "postgres", CREATED, random);
        assertThat(masterKey.toString()).isEqualTo("MasterKey[***]");
        String printed = key.toString() + new BlobCodec(masterKey);
        assertThat(printed).doesNotContain("hunter2", Hex.encode(masterKey.encryptionKey()), Hex.encode(masterKey.macKey()));
        assertThat(printed).contains(key.id().shortHex(), "postgres@db1");
    }

    private static byte[] sha256(byte[] b) throws RuntimeException {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
