package io.lifeboat.repository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.io.IOException;
import java.time.Instant;

/**
 * The repository's {@code config} object (encrypted with the master key).
 *
 * @param version repository format version; this code reads and writes 1
 * @param id random repository id, shown to users and used by mirrors to tell repositories apart
 * @param packSize target pack size in bytes
 * @param rotationPending a {@code key rotate-master} has switched to a new master key but has not
 *     yet re-encrypted everything; readers also try the previous key until it has
 */
public record RepositoryConfig(int version, String id, Instant created, int packSize, boolean rotationPending) {
    public static final int VERSION = 1;
    public static final int DEFAULT_PACK_SIZE = 16 * 1024 * 1024;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Loads and initializes the JSON code that reading a config runs; see {@link Repository#warmUpJson}. */
    static void warmUp() {
        try {
            MAPPER.readTree("{\"version\":1,\"list\":[1,\"two\",{\"three\":true}]}");
        } catch (java.io.IOException e) {
            throw new IllegalStateException("parsing a constant cannot fail", e);
        }
    }

    public RepositoryConfig {
        if (packSize < 1024 * 1024 || packSize > 128 * 1024 * 1024) {
            throw new LifeboatException(ErrorCode.USAGE, "pack size " + packSize + " is out of range",
                    "choose a pack size between 1 MiB and 128 MiB");
        }
    }

    public RepositoryConfig(int version, String id, Instant created, int packSize) {
        this(version, id, created, packSize, false);
    }

    RepositoryConfig withRotationPending(boolean pending) {
        return new RepositoryConfig(version, id, created, packSize, pending);
    }

    byte[] toJson() {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("version", version);
        o.put("id", id);
        o.put("created", created.toString());
        o.put("pack_size", packSize);
        if (rotationPending) {
            o.put("rotation_pending", true);
        }
        try {
            return MAPPER.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static RepositoryConfig fromJson(byte[] json, String location) {
        try {
            JsonNode o = MAPPER.readTree(json);
            int version = o.path("version").asInt();
            if (version != VERSION) {
                throw new LifeboatException(ErrorCode.DAMAGED_DATA,
                        "repository " + location + " has format version " + version + ", this Lifeboat reads " + VERSION,
                        "use a Lifeboat release that supports format version " + version);
            }
            return new RepositoryConfig(version, o.path("id").asText(), Instant.parse(o.path("created").asText()),
                    o.path("pack_size").asInt(), o.path("rotation_pending").asBoolean(false));
        } catch (IOException | RuntimeException e) {
            if (e instanceof LifeboatException le) {
                throw le;
            }
            throw new LifeboatException(ErrorCode.DAMAGED_DATA, "config of repository " + location + " is malformed",
                    "restore the config object from a copy of the repository", e);
        }
    }
}
