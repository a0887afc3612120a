package io.lifeboat.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.qdrant.standin.QdrantStandIn;
import io.lifeboat.qdrant.standin.StandInConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * The Qdrant server a CLI test talks to: a real one ({@code QDRANT_URL}, key from
 * {@code QDRANT_API_KEY}) or the in-process stand-in. Tests set up and read data through the
 * REST API only, so the same test runs against both; tests that need fault injection ask for
 * {@link #standIn()} and are skipped against a real server.
 */
final class QdrantServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private final URI url;
    private final String apiKey;
    private final QdrantStandIn standIn;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final List<String> created = new ArrayList<>();

    private QdrantServer(URI url, String apiKey, QdrantStandIn standIn) {
        this.url = url;
        this.apiKey = apiKey;
        this.standIn = standIn;
    }

    static boolean real() {
        String u = System.getenv("QDRANT_URL");
        return u != null && !u.isBlank();
    }

    /** The real server of {@code QDRANT_URL} when {@code realServer}, else a fresh stand-in with {@code config}. */
    static QdrantServer open(StandInConfig config, boolean realServer) {
        if (realServer) {
            return new QdrantServer(URI.create(System.getenv("QDRANT_URL")), System.getenv("QDRANT_API_KEY"), null);
        }
        QdrantStandIn s = QdrantStandIn.start(config);
        return new QdrantServer(s.url(), config.apiKey(), s);
    }

    URI url() {
        return url;
    }

    /** The API key the tests must pass to the CLI (null: none). */
    String apiKey() {
        return apiKey;
    }

    /** The stand-in; null against a real server. */
    QdrantStandIn standIn() {
        return standIn;
    }

    /** A collection name unique to this run (a real server may hold other data). */
    String name(String base) {
        return standIn == null ? base + "_lb" + Long.toHexString(System.nanoTime()) : base;
    }

    /** Creates a collection with {@code vectors} ({name: dim} or {"": dim}) and {@code n} seeded points. */
    void create(String name, Map<String, Integer> vectors, int n, long seed) {
        ObjectNode body = JSON.createObjectNode();
        if (vectors.containsKey("")) {
            body.putObject("vectors").put("size", vectors.get("")).put("distance", "Dot");
        } else {
            ObjectNode v = body.putObject("vectors");
            vectors.forEach((k, d) -> v.putObject(k).put("size", d).put("distance", "Euclid"));
        }
        call("PUT", "/collections/" + name, body);
        created.add(name);
        Random random = new Random(seed);
        for (int from = 0; from < n; from += 5000) {
            ObjectNode batch = JSON.createObjectNode();
            ArrayNode points = batch.putArray("points");
            for (int i = from; i < Math.min(n, from + 5000); i++) {
                ObjectNode p = points.addObject();
                if (i % 10 == 9) {
                    p.put("id", new UUID(random.nextLong(), random.nextLong()).toString());
                } else {
                    p.put("id", i * 3L);
                }
                if (vectors.containsKey("")) {
                    vector(p.putArray("vector"), vectors.get(""), random);
                } else {
                    ObjectNode vs = p.putObject("vector");
                    vectors.forEach((k, d) -> vector(vs.putArray(k), d, random));
                }
                if (i % 7 != 0) {
                    ObjectNode payload = p.putObject("payload");
                    payload.put("document_id", "doc-" + i).put("score", random.nextInt(1000) / 8.0);
                    payload.putArray("tags").add("t" + random.nextInt(5)).add(i);
                    payload.putObject("meta").put("chunk", i % 13).put("city", i % 2 == 0 ? "Zürich" : "東京");
                }
            }
            call("PUT", "/collections/" + name + "/points?wait=true", batch);
        }
    }

    private static void vector(ArrayNode a, int dim, Random random) {
        for (int j = 0; j < dim; j++) {
            a.add(Math.round((random.nextFloat() * 2 - 1) * 4096) / 4096.0f);
        }
    }

    /** Every point with vectors and payload, in id order. */
    List<JsonNode> points(String name) {
        List<JsonNode> out = new ArrayList<>();
        JsonNode offset = null;
        do {
            ObjectNode body = JSON.createObjectNode().put("limit", 10_000).put("with_payload", true).put("with_vector", true);
            if (offset != null) {
                body.set("offset", offset);
            }
            JsonNode r = call("POST", "/collections/" + name + "/points/scroll", body).path("result");
            r.path("points").forEach(out::add);
            offset = r.path("next_page_offset").isNull() || r.path("next_page_offset").isMissingNode() ? null : r.get("next_page_offset");
        } while (offset != null);
        return out;
    }

    /** Names of the snapshot files of a collection on the server. */
    List<String> snapshots(String name) {
        List<String> out = new ArrayList<>();
        call("GET", "/collections/" + name + "/snapshots", null).path("result").forEach(s -> out.add(s.path("name").asText()));
        return out;
    }

    JsonNode call(String method, String path, JsonNode body) {
        try {
            HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofMinutes(2))
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            if (apiKey != null) {
                r.header("api-key", apiKey);
            }
            HttpResponse<String> resp = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() / 100 != 2) {
                throw new IllegalStateException(method + " " + path + " -> " + resp.statusCode() + ": " + resp.body());
            }
            return JSON.readTree(resp.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Deletes what the test made on a real server; stops the stand-in. */
    @Override
    public void close() {
        if (standIn != null) {
            standIn.close();
        } else {
            for (String c : created) {
                try {
                    call("DELETE", "/collections/" + c, null);
                    call("DELETE", "/collections/" + c + "_copy", null);
                } catch (RuntimeException e) {
                    // already gone
                }
            }
        }
        http.close();
    }
}
