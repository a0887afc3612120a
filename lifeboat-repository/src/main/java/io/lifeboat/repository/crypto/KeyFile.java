package io.lifeboat.repository.crypto;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.ObjectId;
import io.lifeboat.core.time.IsoInstants;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import javax.crypto.AEADBadTagException;

/**
 * One {@code keys/<id>} object: the master key wrapped under a passphrase, plus who made it and
 * when. Plain JSON (it must be readable before any key is known), named by the SHA-256 of its
 * bytes. Immutable; it keeps the exact bytes it was parsed from so that its id never changes.
 *
 * <pre>{@code
 * {"version":1,
 *  "kdf":{"algorithm":"argon2id","memory_kib":65536,"iterations":3,"parallelism":2},
 *  "salt":"<base64, 16..32 bytes>", "created":"2025-01-31T12:00:00Z",
 *  "host":"db1", "username":"postgres",
 *  "data":"<base64 of nonce ‖ AES-256-GCM(wrapping key, master key, aad 'lifeboat-key-v1') ‖ tag>"}
 * }</pre>
 * Unknown fields are ignored, so later versions may add some.
 */
public final class KeyFile {
    public static final int VERSION = 1;
    static final int SALT_LENGTH = 32;
    static final int MIN_SALT_LENGTH = 16;
    private static final byte[] AAD = "lifeboat-key-v1".getBytes(StandardCharsets.US_ASCII);
    private static final int DATA_LENGTH = AesGcm.OVERHEAD + MasterKey.LENGTH;
    /** Renders new key files; only {@code init} and {@code key} commands need databind. */
    private static final class Render {
        static final JsonMapper JSON = JsonMapper.builder().build();
    }

    private final KdfParams kdf;
    private final byte[] salt;
    private final Instant created;
    private final String host;
    private final String username;
    private final byte[] data;
    private final byte[] json;
    /** Hashed on first use: not on the way to the key derivation (SHA-256's first use costs ~10 ms). */
    private ObjectId id;

    private KeyFile(KdfParams kdf, byte[] salt, Instant created, String host, String username, byte[] data,
            byte[] json) {
        this.kdf = kdf;
        this.salt = salt;
        this.created = created;
        this.host = host;
        this.username = username;
        this.data = data;
        this.json = json;
    }

    /**
     * Wraps {@code masterKey} under {@code password}. Takes as long as one key derivation with
     * {@code params}. Changing a passphrase is creating a new key file for the same master key.
     */
    public static KeyFile create(MasterKey masterKey, char[] password, KdfParams params, String host, String username,
            Instant created, SecureRandom random) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(created, "created");
        byte[] salt = new byte[SALT_LENGTH];
        random.nextBytes(salt);
        byte[] wrappingKey = Kdf.derive(password, salt, params);
        byte[] plain = masterKey.toBytes();
        byte[] data;
        try {
            data = new AesGcm(wrappingKey, random).seal(AAD, plain, 0, plain.length);
        } finally {
            Arrays.fill(wrappingKey, (byte) 0);
            Arrays.fill(plain, (byte) 0);
        }
        return new KeyFile(params, salt, created, host, username, data,
                render(params, salt, created, host, username, data));
    }

    /**
     * Unwraps the master key.
     *
     * @throws LifeboatException {@link ErrorCode#WRONG_PASSWORD} when the passphrase does not open
     *     this key (a damaged key file looks the same; GCM cannot tell them apart)
     */
    public MasterKey open(char[] password) {
        byte[] wrappingKey = Kdf.derive(password, salt, kdf);
        byte[] plain = null;
        try {
            plain = new AesGcm(wrappingKey, null).open(AAD, data, 0, data.length);
            return MasterKey.fromBytes(plain);
        } catch (AEADBadTagException e) {
            throw new LifeboatException(ErrorCode.WRONG_PASSWORD, "wrong password for key " + id().shortHex(),
                    "check the passphrase (--password-file or LIFEBOAT_PASSWORD); if it is right, this key file "
                            + "is damaged and another key must be used ('lifeboat key list')", e);
        } finally {
            Arrays.fill(wrappingKey, (byte) 0);
            if (plain != null) {
                Arrays.fill(plain, (byte) 0);
            }
        }
    }

    /** SHA-256 of the stored bytes: the name under {@code keys/}. */
    public static ObjectId idOf(byte[] json) {
        return ObjectId.of(Sha256.of(json));
    }

    public ObjectId id() {
        if (id == null) {
            id = idOf(json); // racing threads compute the same immutable value
        }
        return id;
    }

    /** The bytes to store: exactly those parsed, or the rendering of a new key. */
    public byte[] toJson() {
        return json.clone();
    }

    public KdfParams kdf() {
        return kdf;
    }

    public Instant created() {
        return created;
    }

    public String host() {
        return host;
    }

    public String username() {
        return username;
    }

    /**
     * Reads a stored key file.
     *
     * @throws LifeboatException {@link ErrorCode#DAMAGED_DATA} when the bytes are not a key file
     *     this version understands
     */
    public static KeyFile parse(byte[] json) {
        Objects.requireNonNull(json, "json");
        byte[] stored = json.clone();
        Map<String, Object> root;
        try {
            root = KeyFileJson.parseObject(stored);
        } catch (KeyFileJson.MalformedException e) {
            throw damaged(stored, "not valid JSON (" + e.getMessage() + ")");
        }
        int version = integer(root, "version", stored);
        if (version != VERSION) {
            throw new LifeboatException(ErrorCode.DAMAGED_DATA, nameOf(stored) + ": key file version " + version
                    + " is not supported (this Lifeboat reads version " + VERSION + ")",
                    "upgrade Lifeboat if the repository was written by a newer version");
        }
        if (!(root.get("kdf") instanceof Map<?, ?> kdfNode)) {
            throw damaged(stored, "field 'kdf' missing or not an object");
        }
        KdfParams kdf;
        try {
            kdf = new KdfParams(text(kdfNode, "algorithm", stored), integer(kdfNode, "memory_kib", stored),
                    integer(kdfNode, "iterations", stored), integer(kdfNode, "parallelism", stored));
        } catch (IllegalArgumentException e) {
            throw damaged(stored, e.getMessage());
        }
        byte[] salt = base64(root, "salt", stored);
        if (salt.length < MIN_SALT_LENGTH || salt.length > SALT_LENGTH) {
            throw damaged(stored, "salt of " + salt.length + " bytes, expected " + MIN_SALT_LENGTH + ".." + SALT_LENGTH);
        }
        byte[] data = base64(root, "data", stored);
        if (data.length != DATA_LENGTH) {
            throw damaged(stored, "wrapped key of " + data.length + " bytes, expected " + DATA_LENGTH);
        }
        Instant created;
        try {
            created = IsoInstants.parse(text(root, "created", stored));
        } catch (DateTimeParseException e) {
            throw damaged(stored, "field 'created' is not an ISO-8601 instant");
        }
        return new KeyFile(kdf, salt, created, text(root, "host", stored), text(root, "username", stored), data, stored);
    }

    private static byte[] render(KdfParams kdf, byte[] salt, Instant created, String host, String username,
            byte[] data) {
        ObjectNode root = Render.JSON.createObjectNode();
        root.put("version", VERSION);
        ObjectNode k = root.putObject("kdf");
        k.put("algorithm", kdf.algorithm());
        k.put("memory_kib", kdf.memoryKiB());
        k.put("iterations", kdf.iterations());
        k.put("parallelism", kdf.parallelism());
        root.put("salt", Base64.getEncoder().encodeToString(salt));
        root.put("created", created.toString());
        root.put("host", host);
        root.put("username", username);
        root.put("data", Base64.getEncoder().encodeToString(data));
        try {
            return Render.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("rendering a JSON tree cannot fail", e);
        }
    }

    private static String text(Map<?, ?> node, String field, byte[] stored) {
        if (!(node.get(field) instanceof String v)) {
            throw damaged(stored, "field '" + field + "' missing or not a string");
        }
        return v;
    }

    private static int integer(Map<?, ?> node, String field, byte[] stored) {
        if (!(node.get(field) instanceof Integer v)) {
            throw damaged(stored, "field '" + field + "' missing or not an integer");
        }
        return v;
    }

    private static byte[] base64(Map<?, ?> node, String field, byte[] stored) {
        try {
            return Base64.getDecoder().decode(text(node, field, stored));
        } catch (IllegalArgumentException e) {
            throw damaged(stored, "field '" + field + "' is not base64");
        }
    }

    /** How errors name a key file: by its id, which is hashed only when an error needs it. */
    private static String nameOf(byte[] stored) {
        return "key " + idOf(stored).shortHex();
    }

    private static LifeboatException damaged(byte[] stored, String why) {
        return new LifeboatException(ErrorCode.DAMAGED_DATA, nameOf(stored) + ": not a valid key file (" + why + ")",
                "restore keys/ from a copy of the repository, or open it with another key ('lifeboat key list')");
    }

    @Override
    public String toString() {
        return "KeyFile[" + id().shortHex() + ", " + username + "@" + host + ", " + created + "]";
    }
}
