package io.lifeboat.testkit.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.qdrant.standin.QdrantStandIn;
import io.lifeboat.qdrant.standin.StandInConfig;
import io.lifeboat.testkit.qdrant.SpecClient.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stand-in's REST surface, every request and answer validated against the official
 * OpenAPI spec by {@link SpecClient}; the data itself checked as a client would see it.
 */
class QdrantStandInApiTest {
    private static QdrantStandIn qdrant;
    private static SpecClient client;

    @BeforeAll
    static void start() {
        qdrant = QdrantStandIn.start();
        client = new SpecClient(qdrant.url());
    }

    @AfterAll
    static void stop() {
        qdrant.close();
    }

    @Test
    void rootReportsVersionWithoutEnvelopeAndClusterIsDisabled() {
        Reply root = client.get("/");
        assertThat(root.status()).isEqualTo(200);
        assertThat(root.json().path("version").asText()).isEqualTo("1.19.0");
        assertThat(root.json().has("result")).isFalse();
        assertThat(root.json().path("title").asText()).contains("qdrant");

        Reply cluster = client.get("/cluster");
        assertThat(cluster.result().path("status").asText()).isEqualTo("disabled");
        assertThat(cluster.json().path("status").asText()).isEqualTo("ok");
        assertThat(cluster.json().path("time").isNumber()).isTrue();
        assertThat(client.plain("GET", "/healthz").text()).contains("passed");
    }

    @Test
    void singleVectorCollectionStoresPointsAndPagesThroughThemInIdOrder() {
        Reply created = client.put("/collections/single", "{\"vectors\": {\"size\": 4, \"distance\": \"Dot\"}}");
        assertThat(created.result().asBoolean()).isTrue();
        StringBuilder points = new StringBuilder();
        for (int i = 25; i >= 1; i--) {
            points.append(i == 25 ? "" : ",").append("{\"id\": ").append(i).append(", \"vector\": [").append(i)
                    .append(", 0.5, -1.25, 0], \"payload\": {\"n\": ").append(i).append(", \"city\": \"")
                    .append(i % 2 == 0 ? "Berlin" : "London").append("\"}}");
        }
        points.append(",{\"id\": \"550e8400-e29b-41d4-a716-446655440000\", \"vector\": [1, 2, 3, 4]}");
        Reply upsert = client.put("/collections/single/points?wait=true", "{\"points\": [" + points + "]}");
        assertThat(upsert.result().path("status").asText()).isEqualTo("completed");

        JsonNode info = client.get("/collections/single").result();
        assertThat(info.path("points_count").asInt()).isEqualTo(26);
        assertThat(info.path("config").path("params").path("vectors").toString())
                .isEqualTo("{\"size\":4,\"distance\":\"Dot\"}");
        assertThat(info.path("config").path("params").path("shard_number").asInt()).isEqualTo(1);

        List<String> ids = new ArrayList<>();
        JsonNode offset = null;
        do {
            String body = "{\"limit\": 10, \"with_vector\": true" + (offset == null ? "" : ", \"offset\": " + offset) + "}";
            JsonNode page = client.post("/collections/single/points/scroll", body).result();
            page.path("points").forEach(p -> ids.add(p.path("id").asText()));
            offset = page.path("next_page_offset").isNull() ? null : page.path("next_page_offset");
        } while (offset != null);
        assertThat(ids).hasSize(26).startsWith("1", "2", "3").endsWith("25", "550e8400-e29b-41d4-a716-446655440000");

        JsonNode seven = client.get("/collections/single/points/7").result();
        assertThat(seven.path("vector").toString()).isEqualTo("[7.0,0.5,-1.25,0.0]");
        assertThat(seven.path("payload").path("city").asText()).isEqualTo("London");

        JsonNode retrieved = client.post("/collections/single/points",
                "{\"ids\": [3, 999, \"550e8400-e29b-41d4-a716-446655440000\"], \"with_payload\": false}").result();
        assertThat(retrieved).hasSize(2);
        assertThat(retrieved.get(0).path("payload").isNull()).isTrue();

        assertThat(client.post("/collections/single/points/count", "{\"exact\": true}").result().path("count").asInt())
                .isEqualTo(26);
        assertThat(client.post("/collections/single/points/count",
                "{\"exact\": true, \"filter\": {\"must\": [{\"key\": \"city\", \"match\": {\"value\": \"Berlin\"}}]}}")
                .result().path("count").asInt()).isEqualTo(12);

        JsonNode nearest = client.post("/collections/single/points/query",
                "{\"query\": [1, 0, 0, 0], \"limit\": 3, \"with_payload\": true}").result();
        assertThat(nearest.path("points")).extracting(p -> p.path("id").asInt()).containsExactly(25, 24, 23);
        assertThat(nearest.path("points").get(0).path("score").asDouble()).isEqualTo(25.0);

        Reply deleted = client.post("/collections/single/points/delete?wait=true", "{\"points\": [1, 2]}");
        assertThat(deleted.result().path("status").asText()).isEqualTo("completed");
        assertThat(client.post("/collections/single/points/count", "{}").result().path("count").asInt()).isEqualTo(24);
    }

    @Test
    void namedVectorsAreStoredPerNameAndCosineVectorsNormalised() {
        client.put("/collections/named", "{\"vectors\": {\"text\": {\"size\": 2, \"distance\": \"Cosine\"},"
                + " \"image\": {\"size\": 3, \"distance\": \"Euclid\"}}, \"shard_number\": 2}");
        client.put("/collections/named/points?wait=true", "{\"points\": [{\"id\": 1, \"vector\": {\"text\": [3, 4],"
                + " \"image\": [1, 2, 3]}, \"payload\": {\"doc\": {\"id\": \"a-1\"}}}]}");
        client.put("/collections/named/points?wait=true", "{\"batch\": {\"ids\": [2], \"vectors\": {\"text\": [[0, 2]],"
                + " \"image\": [[0, 0, 0]]}}}");

        JsonNode p = client.post("/collections/named/points", "{\"ids\": [1, 2], \"with_vector\": true}").result();
        assertThat(p.get(0).path("vector").path("text").toString()).isEqualTo("[0.6,0.8]");
        assertThat(p.get(0).path("vector").path("image").toString()).isEqualTo("[1.0,2.0,3.0]");
        assertThat(p.get(0).path("payload").path("doc").path("id").asText()).isEqualTo("a-1");
        assertThat(p.get(1).path("vector").path("text").toString()).isEqualTo("[0.0,1.0]");

        JsonNode info = client.get("/collections/named").result();
        assertThat(info.path("config").path("params").path("vectors").path("image").path("distance").asText())
                .isEqualTo("Euclid");
        assertThat(info.path("config").path("params").path("shard_number").asInt()).isEqualTo(2);
        JsonNode byImage = client.post("/collections/named/points/query",
                "{\"query\": [0, 0, 0.5], \"using\": \"image\", \"limit\": 2}").result();
        assertThat(byImage.path("points")).extracting(x -> x.path("id").asInt()).containsExactly(2, 1);
    }

    @Test
    void collectionsAreListedCheckedAndDeleted() {
        client.put("/collections/doomed", "{\"vectors\": {\"size\": 2, \"distance\": \"Manhattan\"}}");
        assertThat(client.get("/collections").result().path("collections")).extracting(c -> c.path("name").asText())
                .contains("doomed");
        assertThat(client.get("/collections/doomed/exists").result().path("exists").asBoolean()).isTrue();

        assertThat(client.delete("/collections/doomed").result().asBoolean()).isTrue();

        assertThat(client.get("/collections/doomed/exists").result().path("exists").asBoolean()).isFalse();
        assertThat(qdrant.collection("doomed")).isEmpty();
    }

    @Test
    void errorsUseTheEnvelopeAndTheDocumentedStatusCodes() {
        Reply missing = client.get("/collections/nope");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.error()).isEqualTo("Not found: Collection `nope` doesn't exist!");
        assertThat(missing.json().has("result")).isFalse();

        client.put("/collections/twice", "{\"vectors\": {\"size\": 2, \"distance\": \"Dot\"}}");
        Reply again = client.put("/collections/twice", "{\"vectors\": {\"size\": 2, \"distance\": \"Dot\"}}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.error()).contains("already exists");

        Reply invalid = client.invalid("PUT", "/collections/zero", "{\"vectors\": {\"size\": 0, \"distance\": \"Dot\"}}");
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(qdrant.collection("zero")).isEmpty();

        Reply wrongDim = client.put("/collections/twice/points?wait=true", "{\"points\": [{\"id\": 1, \"vector\": [1, 2, 3]}]}");
        assertThat(wrongDim.status()).isEqualTo(400);
        assertThat(wrongDim.error()).isEqualTo("Wrong input: Vector dimension error: expected dim: 2, got 3");
        assertThat(qdrant.collection("twice").orElseThrow().size()).isZero();

        Reply badJson = client.send("PUT", "/collections/twice/points", "{\"points\": [".getBytes(), "application/json", false);
        assertThat(badJson.status()).isEqualTo(400);
        assertThat(badJson.error()).startsWith("Json deserialize error");

        Reply noPoint = client.get("/collections/twice/points/5");
        assertThat(noPoint.status()).isEqualTo(404);
        assertThat(noPoint.error()).contains("No point with id 5");
    }

    @Test
    void clusterModeDescribesThePeers() {
        try (QdrantStandIn node = QdrantStandIn.start(StandInConfig.defaults().withCluster(11,
                Map.of(11L, "http://127.0.0.1:6335/", 12L, "http://127.0.0.2:6335/")))) {
            JsonNode cluster = new SpecClient(node.url()).get("/cluster").result();

            assertThat(cluster.path("status").asText()).isEqualTo("enabled");
            assertThat(cluster.path("peer_id").asLong()).isEqualTo(11);
            assertThat(cluster.path("peers").size()).isEqualTo(2);
            assertThat(cluster.path("peers").path("12").path("uri").asText()).isEqualTo("http://127.0.0.2:6335/");
        }
    }

    @Test
    void everyExchangeOfThisClassWasValidated() {
        SpecClient fresh = new SpecClient(qdrant.url());
        fresh.get("/collections");
        assertThat(fresh.validated()).isEqualTo(1);
    }
}
