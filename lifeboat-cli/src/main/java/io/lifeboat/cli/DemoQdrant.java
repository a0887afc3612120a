package io.lifeboat.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The demo's Qdrant part: a sample collection (chunks of documents with 64-dimensional vectors
 * and payloads) on the server of {@code $QDRANT_URL}, read back after the restore to compare it
 * point by point, and removed afterwards. Talks REST directly, as a user's application would.
 */
final class DemoQdrant implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI url;
    private final String apiKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final List<String> made = new ArrayList<>();

    DemoQdrant(URI url, String apiKey) {
        this.url = url;
        this.apiKey = apiKey;
    }

    /** Creates {@code name} with {@code n} seeded points. */
    void createSampleCollection(String name, int n) {
        ObjectNode create = JSON.createObjectNode();
        create.putObject("vectors").put("size", 64).put("distance", "Dot");
        call("PUT", "/collections/" + name, create);
        made.add(name);
        Random random = new Random(2026);
        ObjectNode batch = JSON.createObjectNode();
        ArrayNode points = batch.putArray("points");
        for (int i = 0; i < n; i++) {
            ObjectNode p = points.addObject().put("id", i + 1);
            ArrayNode v = p.putArray("vector");
            for (int j = 0; j < 64; j++) {
                v.add(Math.round((random.nextFloat() * 2 - 1) * 1024) / 1024.0f);
            }
            p.putObject("payload").put("document_id", "doc-" + (i / 8)).put("chunk", i % 8)
                    .put("text", "chunk " + (i % 8) + " of document " + (i / 8));
        }
        call("PUT", "/collections/" + name + "/points?wait=true", batch);
    }

    /** Every point of {@code name}, with vectors and payload, in id order. */
    List<JsonNode> points(String name) {
        List<JsonNode> out = new ArrayList<>();
        JsonNode offset = null;
        do {
            ObjectNode body = JSON.createObjectNode().put("limit", 1000).put("with_payload", true).put("with_vector", true);
            if (offset != null) {
                body.set("offset", offset);
            }
            JsonNode r = call("POST", "/collections/" + name + "/points/scroll", body).path("result");
            r.path("points").forEach(out::add);
            JsonNode next = r.path("next_page_offset");
            offset = next.isMissingNode() || next.isNull() ? null : next;
        } while (offset != null);
        return out;
    }

    void forget(String name) {
        made.add(name);
    }

    private JsonNode call(String method, String path, JsonNode body) {
        try {
            HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url.toString().replaceAll("/$", "") + path))
                    .timeout(Duration.ofMinutes(2)).header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            if (apiKey != null) {
                r.header("api-key", apiKey);
            }
            HttpResponse<String> resp = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() / 100 != 2) {
                throw new LifeboatException(ErrorCode.SOURCE_ERROR, "demo: Qdrant " + url + ": " + method + " " + path
                        + " answered " + resp.statusCode(), "check $QDRANT_URL and $QDRANT_API_KEY");
            }
            return JSON.readTree(resp.body());
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.SOURCE_ERROR, "demo: Qdrant " + url + " unreachable: " + e.getMessage(),
                    "check $QDRANT_URL", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifeboatException(ErrorCode.INTERRUPTED, "demo interrupted", null, e);
        }
    }

    /** Deletes the demo's collections. */
    @Override
    public void close() {
        for (String c : made) {
            try {
                call("DELETE", "/collections/" + c, null);
            } catch (LifeboatException e) {
                // best effort: the demo's own collections
            }
        }
        http.close();
    }
}
