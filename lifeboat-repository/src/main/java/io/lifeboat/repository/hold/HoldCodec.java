package io.lifeboat.repository.hold;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.SnapshotId;
import java.io.IOException;
import java.time.Instant;

/**
 * Encodes a {@link Hold} as the JSON that is sealed into {@code holds/<snapshot id>}. Field
 * names are part of the repository format: never rename one, only add.
 */
public final class HoldCodec {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private HoldCodec() {}

    public static byte[] encode(Hold h) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("version", 1);
        o.put("snapshot", h.snapshot().hex());
        o.put("reason", h.reason());
        o.put("until", h.until() == null ? null : h.until().toString());
        o.put("time", h.time().toString());
        o.put("host", h.host());
        o.put("username", h.username());
        try {
            return MAPPER.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode JSON", e);
        }
    }

    /**
     * Decodes the hold stored under {@code name}. The snapshot id inside must equal the name: a
     * hold object copied under another snapshot's name would otherwise protect the wrong one.
     */
    public static Hold decode(SnapshotId name, byte[] json) {
        String what = "hold " + name.hex();
        String hint = "restore holds/" + name.hex() + " from a copy of the repository, or remove it with "
                + "'lifeboat release " + name.shortHex() + "' and place the hold again";
        JsonNode o;
        try {
            o = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.DAMAGED_DATA, what + ": malformed JSON", hint, e);
        }
        try {
            if (o.path("version").asInt() != 1) {
                throw new LifeboatException(ErrorCode.DAMAGED_DATA, what + ": unsupported hold version "
                        + o.path("version").asText(), "upgrade Lifeboat to read this repository");
            }
            SnapshotId snapshot = SnapshotId.parse(o.path("snapshot").asText());
            if (!snapshot.equals(name)) {
                throw new LifeboatException(ErrorCode.DAMAGED_DATA,
                        what + ": names snapshot " + snapshot.hex() + " inside", hint);
            }
            return new Hold(snapshot, text(o, "reason"), until(o), Instant.parse(o.path("time").asText()),
                    text(o, "host"), text(o, "username"));
        } catch (LifeboatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new LifeboatException(ErrorCode.DAMAGED_DATA, what + ": malformed content (" + e.getMessage() + ")",
                    hint, e);
        }
    }

    private static Instant until(JsonNode o) {
        String until = text(o, "until");
        return until == null ? null : Instant.parse(until);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
