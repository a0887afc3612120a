package io.lifeboat.repository.lock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.repository.crypto.BlobCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Seals and opens lock objects (encrypted like everything else: host and user names are not public). */
final class LockCodec {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final byte[] AAD = "lifeboat-lock-v1".getBytes(StandardCharsets.US_ASCII);

    private LockCodec() {}

    static byte[] seal(BlobCodec codec, LockInfo lock) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("time", lock.time().toString());
        o.put("exclusive", lock.exclusive());
        o.put("host", lock.host());
        o.put("pid", lock.pid());
        o.put("username", lock.username());
        o.put("operation", lock.operation());
        try {
            return codec.seal(MAPPER.writeValueAsBytes(o), AAD);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static LockInfo open(BlobCodec codec, String name, byte[] stored) {
        byte[] plain;
        try {
            plain = codec.open(stored, AAD, "lock " + name);
        } catch (LifeboatException e) {
            throw new LifeboatException(e.code(), e.getMessage(),
                    "remove it with 'lifeboat unlock --force' if no Lifeboat process uses the repository", e);
        }
        try {
            JsonNode o = MAPPER.readTree(plain);
            return new LockInfo(Instant.parse(o.path("time").asText()), o.path("exclusive").asBoolean(),
                    o.path("host").asText(), o.path("pid").asLong(), o.path("username").asText(),
                    o.path("operation").asText());
        } catch (IOException | RuntimeException e) {
            throw new LifeboatException(ErrorCode.DAMAGED_DATA, "lock " + name + ": malformed content",
                    "remove it with 'lifeboat unlock --force' if no Lifeboat process uses the repository", e);
        }
    }
}
