package io.lifeboat.source.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.io.IOException;

/**
 * Turns Qdrant's failures into messages that say what failed, on which server and collection,
 * and how to fix it. The server's own message is quoted (JSON envelope {@code status.error} or
 * a plain-text body), shortened, and scrubbed of the API key.
 */
final class QdrantErrors {
    private QdrantErrors() {}

    static LifeboatException of(QdrantEndpoint endpoint, int status, String body, String what, String collection) {
        String server = serverMessage(body);
        if (endpoint.apiKey() != null) {
            server = endpoint.apiKey().scrub(server);
        }
        String on = collection == null ? "Qdrant " + endpoint : "Qdrant " + endpoint + ", collection " + collection;
        String quoted = server.isEmpty() ? "" : ": " + server;
        return switch (status) {
            case 401 -> new LifeboatException(ErrorCode.SOURCE_ERROR, on + ": " + what + ": API key "
                    + (endpoint.apiKey() == null ? "missing" : "rejected") + " (401" + quoted + ")",
                    "pass the server's API key with --api-key-file FILE or $" + QdrantApiKey.ENV);
            case 403 -> new LifeboatException(ErrorCode.SOURCE_ERROR, on + ": " + what + ": forbidden (403" + quoted + ")",
                    "the API key may only read; snapshots need a read-write (manage) key");
            case 404 -> new LifeboatException(ErrorCode.NOT_FOUND, on + ": " + what + ": not found (404" + quoted + ")",
                    collection == null ? "check --url" : "check the collection name; 'lifeboat backup qdrant --all' takes every collection");
            case 507 -> new LifeboatException(ErrorCode.SOURCE_ERROR, on + ": " + what + ": the server's disk is full (507"
                    + quoted + ")", "free space on the Qdrant server: a snapshot needs about the collection's size on disk");
            default -> new LifeboatException(ErrorCode.SOURCE_ERROR, on + ": " + what + " failed with HTTP " + status + quoted,
                    status >= 500 ? "see the Qdrant server's log; retried " + endpoint.maxAttempts() + " times" : null);
        };
    }

    static LifeboatException unreachable(QdrantEndpoint endpoint, String what, String collection, IOException e) {
        String on = collection == null ? "Qdrant " + endpoint : "Qdrant " + endpoint + ", collection " + collection;
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (endpoint.apiKey() != null) {
            why = endpoint.apiKey().scrub(why);
        }
        return new LifeboatException(ErrorCode.SOURCE_ERROR, on + ": " + what + ": " + why + " (after "
                + endpoint.maxAttempts() + " attempts)", "check that the server runs and --url is right", e, true);
    }

    /** {@code status.error} of a JSON error envelope, else the plain-text body; at most 300 characters. */
    static String serverMessage(String body) {
        if (body == null) {
            return "";
        }
        String msg = body.strip();
        if (msg.startsWith("{")) {
            try {
                JsonNode n = QdrantClient.JSON.readTree(msg);
                JsonNode err = n.path("status").path("error");
                if (err.isTextual()) {
                    msg = err.asText();
                }
            } catch (IOException e) {
                // not JSON after all: quote it as text
            }
        }
        return msg.length() > 300 ? msg.substring(0, 300) + "…" : msg;
    }
}
